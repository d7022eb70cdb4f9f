//! The demo: an airline (`demo`), a flight school (`demo-school`) and a trial
//! org (`demo-trial`), with their staff, and for the airline a realistic
//! network, fleet, pilots, bookings and a few hundred historic PIREPs.
//!
//! Idempotent: an org that exists already is left as it is. Each org is
//! seeded in one transaction, so a crash never leaves half an org.

use crate::storage::Table;
use anyhow::Context;
use chrono::{Duration, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::domain::geo::distance_nm;
use crate::domain::org::{OrgKind, Plan};
use crate::domain::pilot::PilotState;
use crate::domain::pirep::PirepState;
use crate::domain::staff::{Permission, Permissions};
use crate::domain::{AircraftId, AirportId, HubId, OrgId, PilotId, RankId, SubfleetId, Timestamp};
use crate::security;
use crate::storage::{
    airlines, airports, announcements, badges, bookings, fleet, hubs, orgs, pilots, pireps, ranks,
    schedules, staff, Db, Tx,
};

pub const PASSWORD: &str = "airside-demo";

struct DemoOrg {
    slug: &'static str,
    name: &'static str,
    kind: OrgKind,
    plan: Plan,
}

const ORGS: [DemoOrg; 3] = [
    DemoOrg { slug: "demo", name: "Airside Virtual", kind: OrgKind::Airline, plan: Plan::Active },
    DemoOrg {
        slug: "demo-school",
        name: "Airside Flight Academy",
        kind: OrgKind::FlightSchool,
        plan: Plan::Active,
    },
    DemoOrg { slug: "demo-trial", name: "Trial Air", kind: OrgKind::Airline, plan: Plan::Trial },
];

/// (ICAO, IATA, name, city, country, latitude, longitude)
type AirportRow = (&'static str, &'static str, &'static str, &'static str, &'static str, f64, f64);

const AIRPORTS: &[AirportRow] = &[
    ("EGLL", "LHR", "London Heathrow", "London", "GB", 51.4706, -0.461941),
    ("EHAM", "AMS", "Amsterdam Schiphol", "Amsterdam", "NL", 52.3086, 4.76389),
    ("EGKK", "LGW", "London Gatwick", "London", "GB", 51.1481, -0.190278),
    ("LFPG", "CDG", "Paris Charles de Gaulle", "Paris", "FR", 49.0097, 2.54778),
    ("EDDF", "FRA", "Frankfurt am Main", "Frankfurt", "DE", 50.0333, 8.57056),
    ("EDDM", "MUC", "Munich", "Munich", "DE", 48.3538, 11.7861),
    ("LEMD", "MAD", "Adolfo Suárez Madrid–Barajas", "Madrid", "ES", 40.4719, -3.56264),
    ("LEBL", "BCN", "Barcelona–El Prat", "Barcelona", "ES", 41.2971, 2.07846),
    ("LIRF", "FCO", "Rome Fiumicino", "Rome", "IT", 41.8003, 12.2389),
    ("LSZH", "ZRH", "Zurich", "Zurich", "CH", 47.4647, 8.54917),
    ("EIDW", "DUB", "Dublin", "Dublin", "IE", 53.4213, -6.27007),
    ("EKCH", "CPH", "Copenhagen Kastrup", "Copenhagen", "DK", 55.6179, 12.656),
    ("ESSA", "ARN", "Stockholm Arlanda", "Stockholm", "SE", 59.6519, 17.9186),
    ("ENGM", "OSL", "Oslo Gardermoen", "Oslo", "NO", 60.1939, 11.1004),
    ("LOWW", "VIE", "Vienna International", "Vienna", "AT", 48.1103, 16.5697),
    ("LPPT", "LIS", "Lisbon Humberto Delgado", "Lisbon", "PT", 38.7813, -9.13592),
    ("EGCC", "MAN", "Manchester", "Manchester", "GB", 53.3537, -2.27495),
    ("EGPH", "EDI", "Edinburgh", "Edinburgh", "GB", 55.95, -3.3725),
    ("BIKF", "KEF", "Keflavík International", "Reykjavík", "IS", 63.985, -22.6056),
    ("LTFM", "IST", "Istanbul", "Istanbul", "TR", 41.2753, 28.7519),
    ("OMDB", "DXB", "Dubai International", "Dubai", "AE", 25.2528, 55.3644),
    ("KJFK", "JFK", "John F. Kennedy International", "New York", "US", 40.6398, -73.7789),
    ("KBOS", "BOS", "Boston Logan", "Boston", "US", 42.3643, -71.0052),
    ("CYYZ", "YYZ", "Toronto Pearson", "Toronto", "CA", 43.6772, -79.6306),
];

/// (name, hours to reach it)
const RANKS: [(&str, f64); 5] = [
    ("Cadet", 0.0),
    ("First Officer", 50.0),
    ("Senior First Officer", 150.0),
    ("Captain", 300.0),
    ("Senior Captain", 600.0),
];

/// (ICAO type, name, passengers, cargo kg, index of the minimum rank, registrations)
type SubfleetRow = (&'static str, &'static str, i64, i64, usize, &'static [&'static str]);

const SUBFLEETS: [SubfleetRow; 5] = [
    ("A320", "Airbus A320-200", 180, 2_500, 0, &["G-ASAA", "G-ASAB", "G-ASAC", "G-ASAD"]),
    ("B738", "Boeing 737-800", 189, 2_800, 0, &["G-ASBA", "G-ASBB", "G-ASBC"]),
    ("E190", "Embraer E190", 100, 1_200, 0, &["G-ASEA", "G-ASEB"]),
    ("A333", "Airbus A330-300", 277, 15_000, 3, &["G-ASWA", "G-ASWB", "G-ASWC"]),
    ("B77F", "Boeing 777F", 0, 102_000, 4, &["G-ASFA", "G-ASFB"]),
];

const PILOT_NAMES: [(&str, &str); 20] = [
    ("Alex", "Morgan"),
    ("Priya", "Shah"),
    ("Tomás", "Herrera"),
    ("Ingrid", "Larsen"),
    ("Kwame", "Mensah"),
    ("Sofia", "Rossi"),
    ("Liam", "O'Connor"),
    ("Mei", "Tanaka"),
    ("Jonas", "Becker"),
    ("Amélie", "Dubois"),
    ("Omar", "Haddad"),
    ("Chloe", "Walker"),
    ("Mateus", "Silva"),
    ("Hannah", "Schmidt"),
    ("Ravi", "Kumar"),
    ("Elena", "Petrova"),
    ("Noah", "Williams"),
    ("Aisha", "Bello"),
    ("Lucas", "Martin"),
    ("Freya", "Nilsson"),
];

/// Seeds the demo orgs that are missing. Returns what a person needs to sign in.
pub async fn seed(db: &Db) -> anyhow::Result<String> {
    // One hash for every demo login: hashing is deliberately slow.
    let hash = security::hash_password(PASSWORD);
    let mut report = String::new();
    for demo in &ORGS {
        if orgs::by_slug(db, demo.slug).await?.is_some() {
            report.push_str(&format!("org {} already present\n", demo.slug));
            continue;
        }
        let mut tx = db.begin().await?;
        let org = orgs::create(
            &mut tx,
            &orgs::NewOrg { name: demo.name, slug: demo.slug, kind: demo.kind, plan: demo.plan },
        )
        .await?;
        seed_staff(&mut tx, org.id, demo.slug, &hash).await?;
        if demo.slug == "demo" {
            seed_airline(&mut tx, org.id, &hash).await.context("seeding the demo airline")?;
        } else if demo.kind == OrgKind::FlightSchool {
            seed_school(&mut tx, org.id, &hash).await.context("seeding the demo school")?;
        } else {
            airlines::create(&mut tx, org.id, "TR", "TRL", demo.name).await?;
        }
        tx.commit().await?;
        report.push_str(&format!(
            "org {} ({}, {}): owner@{slug}.test, viewer@{slug}.test, manager@{slug}.test\n",
            demo.slug,
            demo.kind,
            demo.plan,
            slug = demo.slug
        ));
    }
    report.push_str(&format!(
        "every demo login uses the password `{PASSWORD}`; demo pilot AIR0001 signs in as air0001@demo.test\n"
    ));
    Ok(report)
}

async fn seed_staff(tx: &mut Tx, org: OrgId, slug: &str, hash: &str) -> anyhow::Result<()> {
    let people = [
        ("owner", "Olivia Owner", Permissions::owner()),
        ("manager", "Max Manager", Permissions::new(vec![Permission::ApiSettingsManage], false)),
        ("viewer", "Vic Viewer", Permissions::new(vec![Permission::ApiSettingsView], false)),
    ];
    for (who, name, permissions) in people {
        let email = format!("{who}@{slug}.test");
        staff::create(
            tx,
            org,
            &staff::NewStaff { email: &email, name, password_hash: hash, permissions },
        )
        .await?;
    }
    Ok(())
}

struct Network {
    airports: Vec<(AirportId, f64, f64)>,
    ranks: Vec<RankId>,
    subfleets: Vec<(SubfleetId, usize, Vec<AircraftId>)>,
}

/// Fills `org` with the demo airline's network, fleet, pilots and history.
pub async fn seed_airline(tx: &mut Tx, org: OrgId, hash: &str) -> anyhow::Result<()> {
    // A fixed seed: every demo database looks the same.
    let mut rng = StdRng::seed_from_u64(0xA1_5D_E0);
    let airline = airlines::create(tx, org, "AS", "AIR", "Airside Virtual").await?;

    let mut network = Network { airports: vec![], ranks: vec![], subfleets: vec![] };
    for (icao, iata, name, city, country, lat, lon) in AIRPORTS {
        let new = airports::NewAirport {
            icao,
            iata: Some(iata),
            name,
            city: Some(city),
            country: Some(country),
            latitude: *lat,
            longitude: *lon,
        };
        network.airports.push((airports::create(tx, org, &new).await?, *lat, *lon));
    }
    for (order, (name, hours)) in RANKS.iter().enumerate() {
        network.ranks.push(ranks::create(tx, org, name, *hours, order as i64 + 1, None).await?);
    }
    let london = hubs::create(tx, org, network.airports[0].0, "London Heathrow").await?;
    let amsterdam = hubs::create(tx, org, network.airports[1].0, "Amsterdam").await?;
    let badge_ids = [
        badges::create(tx, org, "First Flight", "Filed a first accepted PIREP").await?,
        badges::create(tx, org, "Butter", "Landed softer than 100 fpm").await?,
        badges::create(tx, org, "Long Haul", "Flew a sector over 2,500 nm").await?,
    ];

    for (i, (type_code, name, pax, cargo, rank, regs)) in SUBFLEETS.iter().enumerate() {
        let subfleet = fleet::create_subfleet(
            tx,
            org,
            &fleet::NewSubfleet {
                airline,
                type_code,
                name,
                passengers: *pax,
                cargo_kg: *cargo,
                min_rank: Some(network.ranks[*rank]),
            },
        )
        .await?;
        let mut aircraft = vec![];
        for (n, reg) in regs.iter().enumerate() {
            let at = network.airports[(i + n) % 2].0;
            let new = fleet::NewAircraft {
                subfleet,
                registration: reg,
                name: &format!("{name} {reg}"),
                icao: type_code,
                airport: Some(at),
                airframe_hours: rng.gen_range(2_000.0..40_000.0_f64).round(),
            };
            aircraft.push(fleet::create_aircraft(tx, org, &new).await?);
        }
        network.subfleets.push((subfleet, *rank, aircraft));
    }

    // Schedules: from each hub to each destination and back.
    let mut schedule_rows = vec![];
    let mut flight = 100;
    for hub in 0..2 {
        for dest in 2..network.airports.len() {
            for (from, to) in [(hub, dest), (dest, hub)] {
                if hub == 1 && dest >= 18 && from == hub {
                    continue; // Amsterdam flies long-haul only from London in this demo
                }
                let (a, alat, alon) = network.airports[from];
                let (b, blat, blon) = network.airports[to];
                let distance = distance_nm(alat, alon, blat, blon).round();
                let long_haul = distance > 2_000.0;
                let minutes = (distance / 450.0 * 60.0 + 25.0).round() as i64;
                let level = if distance < 300.0 {
                    240
                } else if long_haul {
                    380
                } else {
                    360
                };
                let dep_minutes = 6 * 60 + (flight * 37) % (15 * 60);
                let arr_minutes = (dep_minutes + minutes) % (24 * 60);
                let subfleets: Vec<SubfleetId> = if long_haul {
                    vec![network.subfleets[3].0]
                } else {
                    network.subfleets[..3].iter().map(|s| s.0).collect()
                };
                let number = format!("AS{flight}");
                let new = schedules::NewSchedule {
                    airline,
                    flight_number: &number,
                    departure: a,
                    arrival: b,
                    route: "DCT",
                    flight_level: level,
                    distance_nm: distance,
                    departure_time: Some(&hhmm(dep_minutes)),
                    arrival_time: Some(&hhmm(arr_minutes)),
                    flight_minutes: minutes,
                    days_of_week: "1234567",
                    flight_type: "P",
                    notes: "",
                    subfleets: &subfleets,
                };
                let id = schedules::create(tx, org, &new).await?;
                schedule_rows.push((id, number, a, b, distance, minutes, long_haul));
                flight += 1;
            }
        }
    }
    // A cargo run for the freighters.
    let (lhr, lat1, lon1) = network.airports[0];
    let (dxb, lat2, lon2) = network.airports[20];
    let cargo_distance = distance_nm(lat1, lon1, lat2, lon2).round();
    let cargo_minutes = (cargo_distance / 470.0 * 60.0 + 25.0).round() as i64;
    let cargo = [network.subfleets[4].0];
    let new = schedules::NewSchedule {
        airline,
        flight_number: "AS9001",
        departure: lhr,
        arrival: dxb,
        route: "DCT",
        flight_level: 360,
        distance_nm: cargo_distance,
        departure_time: Some("22:10"),
        arrival_time: Some(&hhmm((22 * 60 + 10 + cargo_minutes) % (24 * 60))),
        flight_minutes: cargo_minutes,
        days_of_week: "135",
        flight_type: "C",
        notes: "Freighter rotation",
        subfleets: &cargo,
    };
    schedules::create(tx, org, &new).await?;

    // Pilots: AIR0001 is the one people sign in as. A few are on leave,
    // inactive or banned, so every state is there to try.
    let mut pilot_ids = vec![];
    for (n, (first, last)) in PILOT_NAMES.iter().enumerate() {
        let number = n as i64 + 1;
        let state = match number {
            6 | 14 => PilotState::OnLeave,
            17 => PilotState::Inactive,
            19 => PilotState::Banned,
            _ => PilotState::Active,
        };
        let email = format!("air{number:04}@demo.test");
        let new = pilots::NewPilot {
            airline,
            airline_icao: "AIR",
            number,
            first_name: first,
            last_name: last,
            email: &email,
            password_hash: hash,
            state,
            rank: Some(network.ranks[0]),
            hub: Some(if n % 3 == 2 { amsterdam } else { london }),
            airport: Some(network.airports[n % 2].0),
        };
        let pilot = pilots::create(tx, org, &new).await?;
        pilots::create_api_key(tx, org, pilot, "demo").await?;
        pilot_ids.push(pilot);
    }

    // History: PIREPs over the last year in every state; totals follow.
    let mut totals = vec![(0_i64, 0_i64, 0_i64); pilot_ids.len()];
    let now = Utc::now();
    for i in 0..300 {
        let p = rng.gen_range(0..pilot_ids.len());
        let (schedule, number, dep, arr, distance, minutes, long_haul) =
            &schedule_rows[rng.gen_range(0..schedule_rows.len())];
        let state = match rng.gen_range(0..100) {
            0..=69 => PirepState::Accepted,
            70..=79 => PirepState::Submitted,
            80..=87 => PirepState::Rejected,
            88..=91 => PirepState::Invalidated,
            _ => PirepState::Cancelled,
        };
        let fleet_index = if *long_haul { 3 } else { rng.gen_range(0..3) };
        let aircraft = &network.subfleets[fleet_index].2;
        let flown = minutes + rng.gen_range(-10..15);
        let landing_rate = -rng.gen_range(60.0..450.0_f64).round();
        let points = crate::domain::pirep::points_for(*distance, Some(landing_rate));
        let created = now - Duration::minutes(i * 1_700 + rng.gen_range(0..600));
        let filed = state != PirepState::Cancelled;
        let new = pireps::NewPirep {
            pilot: pilot_ids[p],
            airline,
            schedule: Some(*schedule),
            aircraft: Some(aircraft[rng.gen_range(0..aircraft.len())]),
            flight_number: number,
            departure: *dep,
            arrival: *arr,
            route: "DCT",
            flight_level: 360,
            state,
            source: if i % 5 == 0 { "manual" } else { "acars" },
            distance_nm: *distance,
            flight_minutes: flown,
            landing_rate: filed.then_some(landing_rate),
            fuel_used: filed.then_some((*distance * 4.5).round()),
            points,
            created_at: Timestamp(created),
            submitted_at: filed.then(|| Timestamp(created + Duration::minutes(flown))),
        };
        let pirep = pireps::insert(tx, org, &new).await?;
        if state.counts() {
            totals[p].0 += flown;
            totals[p].1 += 1;
            totals[p].2 += points;
        }
        if i % 25 == 0 && filed {
            let at = Timestamp(created);
            pireps::add_log_line(tx, org, pirep, at, "Boarding started").await?;
            pireps::add_log_line(tx, org, pirep, at, "Pushback").await?;
            pireps::add_log_line(tx, org, pirep, at, "Landed").await?;
            pireps::set_field(tx, org, pirep, "Filed by", "Airside demo").await?;
            pireps::add_comment(tx, org, pirep, "Chief Pilot", "Nice flying.").await?;
        }
        if state == PirepState::Rejected {
            pireps::add_comment(
                tx,
                org,
                pirep,
                "Chief Pilot",
                "Rejected: route not flown as filed.",
            )
            .await?;
        }
    }
    for (p, (minutes, flights, points)) in totals.iter().enumerate() {
        let hours = *minutes as f64 / 60.0;
        let rank = RANKS.iter().rposition(|(_, need)| hours >= *need).unwrap_or(0);
        let totals = (*minutes, *flights, *points);
        pilots::set_totals(tx, org, pilot_ids[p], totals, network.ranks[rank]).await?;
    }
    badges::award(tx, org, pilot_ids[0], badge_ids[0]).await?;
    badges::award(tx, org, pilot_ids[0], badge_ids[1]).await?;
    badges::award(tx, org, pilot_ids[1], badge_ids[2]).await?;

    // Two flights in the air right now (not AIR0001's: they may start their own).
    // Each with its own aircraft: an aircraft flies one flight at a time
    // (not the A320s AIR0001's bookings pin).
    let flying = [(pilot_ids[4], &schedule_rows[0], 2), (pilot_ids[6], &schedule_rows[3], 3)];
    for (pilot, (schedule, number, dep, arr, distance, minutes, _), tail) in flying {
        let started = now - Duration::minutes(40);
        let new = pireps::NewPirep {
            pilot,
            airline,
            schedule: Some(*schedule),
            aircraft: Some(network.subfleets[0].2[tail]),
            flight_number: number,
            departure: *dep,
            arrival: *arr,
            route: "DCT",
            flight_level: 360,
            state: PirepState::InProgress,
            source: "acars",
            distance_nm: *distance,
            flight_minutes: *minutes,
            landing_rate: None,
            fuel_used: None,
            points: 0,
            created_at: Timestamp(started),
            submitted_at: None,
        };
        let pirep = pireps::insert(tx, org, &new).await?;
        let track: Vec<_> = (0..5)
            .map(|step| pireps::NewPosition {
                recorded_at: Timestamp(started + Duration::minutes(step * 8)),
                phase: if step == 0 { "takeoff" } else { "enroute" },
                latitude: 51.47 + step as f64 * 0.1,
                longitude: -0.46 + step as f64 * 0.3,
                heading: 95.0,
                altitude: (step * 9_000).min(36_000) as f64,
                altitude_agl: None,
                vertical_speed: None,
                ground_speed: Some(430.0),
                indicated_airspeed: None,
                distance_remaining: None,
                client_ref: None,
            })
            .collect();
        let report =
            pireps::FlightReport { org, pirep, phase: "enroute", positions: track, digest: None };
        pireps::report_many(tx, &[&report], &Default::default()).await?;
    }

    // Bookings: AIR0001 has three, two with an aircraft pinned.
    let first = pilot_ids[0];
    let short_haul: Vec<AircraftId> = network.subfleets[0].2.clone();
    let mine = [(0, Some(short_haul[0])), (1, Some(short_haul[1])), (4, None)];
    for (index, aircraft) in mine {
        bookings::create(tx, org, first, schedule_rows[index].0, aircraft).await?;
    }
    for (n, pilot) in pilot_ids.iter().enumerate().skip(1).step_by(3) {
        bookings::create(tx, org, *pilot, schedule_rows[(n * 7) % schedule_rows.len()].0, None)
            .await?;
    }

    seed_requests_and_activities(tx, org, &pilot_ids, &network, london, amsterdam).await?;

    for (i, (title, body)) in [
        ("Welcome to Airside Virtual", "Read the pilot handbook before your first flight."),
        ("New A330 routes", "London to New York, Boston and Toronto are open to Captains."),
        ("Winter ops", "De-icing procedures are in effect at all northern European airports."),
        ("Event: Fly-in to Dublin", "Join the group flight this Saturday at 18:00Z."),
        ("Freighter rotation", "AS9001 to Dubai is flown by Senior Captains only."),
        ("ACARS update", "Keep your tracker up to date for the new position batching."),
        ("Points changes", "Landing bonus now applies below 150 fpm."),
        ("Hub news", "Amsterdam hub now has three E190 departures daily."),
        ("Staff wanted", "We are looking for PIREP reviewers: contact the staff team."),
        ("Tour: Nordic Capitals", "Fly Oslo, Stockholm and Copenhagen to earn a badge."),
        ("Maintenance", "G-ASWB is back in service."),
        ("Community goal", "Together we have flown 1,000,000 nm. Thank you!"),
    ]
    .iter()
    .enumerate()
    {
        let new = announcements::NewAnnouncement {
            title,
            subtitle: "",
            body,
            link: None,
            published_at: Timestamp(now - Duration::days(60 - i as i64 * 5)),
        };
        announcements::create(tx, org, &new).await?;
    }
    Ok(())
}

/// Pending registrations and transfers, and one of each activity.
async fn seed_requests_and_activities(
    tx: &mut Tx,
    org: OrgId,
    pilots: &[PilotId],
    network: &Network,
    london: HubId,
    amsterdam: HubId,
) -> anyhow::Result<()> {
    use crate::storage::resource::{insert, Value::*};
    let now = Utc::now();
    let at = |days: i64| Text(Timestamp(now + Duration::days(days)).to_db());
    for (first, last, hub) in
        [("Jamie", "Lee", london), ("Sam", "Okafor", amsterdam), ("Ana", "Costa", london)]
    {
        let email = format!("{}.{}@applicant.test", first.to_lowercase(), last.to_lowercase());
        let row = [
            ("first_name", Text(first.into())),
            ("last_name", Text(last.into())),
            ("email", Text(email)),
            ("hub_id", Int(hub.0)),
            ("created_at", at(-2)),
        ];
        insert(tx, org, Table::Registrations, &row).await?;
    }
    for (pilot, hub) in [(pilots[2], amsterdam), (pilots[7], london)] {
        let row = [
            ("pilot_id", Int(pilot.0)),
            ("to_hub_id", Int(hub.0)),
            ("reason", Text("Moving closer to home".into())),
            ("created_at", at(-1)),
        ];
        insert(tx, org, Table::Transfers, &row).await?;
    }
    let dublin = network.airports[10].0;
    insert(
        tx,
        org,
        Table::ActivityEvents,
        &[
            ("name", Text("Dublin fly-in".into())),
            ("description", Text("Group flight into EIDW".into())),
            ("airport_id", Int(dublin.0)),
            ("starts_at", at(5)),
            ("ends_at", at(6)),
            ("points", Int(50)),
            ("created_at", at(0)),
        ],
    )
    .await?;
    let tour = insert(
        tx,
        org,
        Table::Tours,
        &[
            ("name", Text("Nordic Capitals".into())),
            ("description", Text("Oslo, Stockholm, Copenhagen".into())),
            ("points", Int(100)),
            ("created_at", at(0)),
        ],
    )
    .await?;
    for (position, (from, to)) in [(0, 13), (13, 12), (12, 11), (11, 0)].iter().enumerate() {
        insert(
            tx,
            org,
            Table::TourLegs,
            &[
                ("tour_id", Int(tour)),
                ("position", Int(position as i64 + 1)),
                ("departure_airport_id", Int(network.airports[*from].0 .0)),
                ("arrival_airport_id", Int(network.airports[*to].0 .0)),
            ],
        )
        .await?;
    }
    insert(
        tx,
        org,
        Table::Rosters,
        &[
            ("name", Text("December roster".into())),
            ("description", Text("Short-haul rotations from London".into())),
            ("starts_at", at(8)),
            ("ends_at", at(38)),
            ("created_at", at(0)),
        ],
    )
    .await?;
    insert(
        tx,
        org,
        Table::FocusAirports,
        &[
            ("airport_id", Int(network.airports[15].0 .0)),
            ("bonus_points", Int(20)),
            ("starts_at", at(-3)),
            ("ends_at", at(4)),
            ("created_at", at(0)),
        ],
    )
    .await?;
    insert(
        tx,
        org,
        Table::CommunityGoals,
        &[
            ("name", Text("One million miles".into())),
            ("metric", Text("distance_nm".into())),
            ("target", Float(1_000_000.0)),
            ("starts_at", at(-30)),
            ("ends_at", at(60)),
            ("created_at", at(0)),
        ],
    )
    .await?;
    insert(
        tx,
        org,
        Table::Challenges,
        &[
            ("name", Text("Butter week".into())),
            ("description", Text("Land softer than 100 fpm five times".into())),
            ("points", Int(75)),
            ("starts_at", at(-1)),
            ("ends_at", at(6)),
            ("created_at", at(0)),
        ],
    )
    .await?;
    Ok(())
}

/// The flight school: students, a small fleet with maintenance in every
/// state, training programs and signoffs, compliance, finance, invoices,
/// work orders, training records, planning and a few events.
pub async fn seed_school(tx: &mut Tx, org: OrgId, hash: &str) -> anyhow::Result<()> {
    use crate::storage::resource::{insert, Value::*};
    let now = Utc::now();
    let today = now.date_naive();
    let stamp = |t: chrono::DateTime<Utc>| Text(Timestamp(t).to_db());
    let day = |offset: i64| Text((today + Duration::days(offset)).to_string());
    let airline = airlines::create(tx, org, "AF", "AFA", "Airside Flight Academy").await?;
    let base = airports::create(
        tx,
        org,
        &airports::NewAirport {
            icao: "EGKB",
            iata: Some("BQH"),
            name: "London Biggin Hill",
            city: Some("London"),
            country: Some("GB"),
            latitude: 51.3308,
            longitude: 0.0325,
        },
    )
    .await?;
    let subfleet = fleet::create_subfleet(
        tx,
        org,
        &fleet::NewSubfleet {
            airline,
            type_code: "C172",
            name: "Cessna 172S",
            passengers: 3,
            cargo_kg: 50,
            min_rank: None,
        },
    )
    .await?;
    let mut aircraft = vec![];
    for (reg, hours) in [("G-AFAA", 4_210.0), ("G-AFAB", 2_980.0), ("G-AFAC", 6_395.0)] {
        let new = fleet::NewAircraft {
            subfleet,
            registration: reg,
            name: &format!("Cessna 172S {reg}"),
            icao: "C172",
            airport: Some(base),
            airframe_hours: hours,
        };
        aircraft.push(fleet::create_aircraft(tx, org, &new).await?.0);
    }
    // (aircraft, item, due in days, due at hours): overdue, upcoming and ok.
    for (a, name, days, hours) in [
        (0, "Annual inspection", Some(-10), None),
        (0, "100-hour check", None, Some(4_215.0)),
        (1, "ELT battery", Some(200), None),
        (1, "100-hour check", None, Some(3_060.0)),
        (2, "Oil change", None, Some(6_390.0)),
        (2, "Transponder check", Some(12), None),
    ] {
        insert(
            tx,
            org,
            Table::MaintenanceItems,
            &[
                ("aircraft_id", Int(aircraft[a])),
                ("name", Text(name.into())),
                ("due_on", days.map(day).unwrap_or(NullText)),
                ("due_hours", hours.map(Float).unwrap_or(NullFloat)),
                ("created_at", stamp(now)),
            ],
        )
        .await?;
    }
    for (a, title, status, opened) in [
        (0, "Annual inspection", "open", -2),
        (2, "Oil change", "in_progress", -1),
        (1, "Replace brake pads", "closed", -40),
        (0, "Pitot heat inoperative", "closed", -15),
    ] {
        insert(
            tx,
            org,
            Table::WorkOrders,
            &[
                ("aircraft_id", Int(aircraft[a])),
                ("title", Text(title.into())),
                ("status", Text(status.into())),
                ("opened_at", stamp(now + Duration::days(opened))),
                (
                    "closed_at",
                    if status == "closed" {
                        stamp(now + Duration::days(opened + 3))
                    } else {
                        NullText
                    },
                ),
            ],
        )
        .await?;
    }

    let mut students = vec![];
    for (n, (first, last)) in [
        ("Maya", "Chen"),
        ("Leo", "Fischer"),
        ("Zara", "Ahmed"),
        ("Ben", "Okoro"),
        ("Ida", "Novak"),
        ("Tom", "Reyes"),
        ("Ava", "Singh"),
        ("Max", "Dubois"),
    ]
    .iter()
    .enumerate()
    {
        let number = n as i64 + 1;
        let email = format!("stu{number:04}@demo-school.test");
        let new = pilots::NewPilot {
            airline,
            airline_icao: "AFA",
            number,
            first_name: first,
            last_name: last,
            email: &email,
            password_hash: hash,
            state: PilotState::Active,
            rank: None,
            hub: None,
            airport: Some(base),
        };
        students.push(pilots::create(tx, org, &new).await?.0);
    }
    // Training flights: local circuits and a navigation exercise to White Waltham.
    let waltham = airports::create(
        tx,
        org,
        &airports::NewAirport {
            icao: "EGLM",
            iata: None,
            name: "White Waltham",
            city: Some("Maidenhead"),
            country: Some("GB"),
            latitude: 51.5003,
            longitude: -0.7744,
        },
    )
    .await?;
    for (i, student) in students.iter().enumerate().take(6) {
        let (to, minutes, number) =
            if i % 2 == 0 { (base, 55, "AFA01") } else { (waltham, 75, "AFA02") };
        let created = now - Duration::days(3 + i as i64 * 4);
        let new = pireps::NewPirep {
            pilot: crate::domain::PilotId(*student),
            airline,
            schedule: None,
            aircraft: Some(AircraftId(aircraft[i % 3])),
            flight_number: number,
            departure: base,
            arrival: to,
            route: "DCT",
            flight_level: 25,
            state: PirepState::Accepted,
            source: "manual",
            distance_nm: if to == base { 12.0 } else { 38.0 },
            flight_minutes: minutes,
            landing_rate: Some(-180.0),
            fuel_used: Some(28.0),
            points: 5,
            created_at: Timestamp(created),
            submitted_at: Some(Timestamp(created + Duration::minutes(minutes))),
        };
        pireps::insert(tx, org, &new).await?;
    }
    let staff = crate::storage::staff::ids(tx, org).await?;

    let mut programs = vec![];
    for (name, items) in [
        (
            "Private Pilot Licence",
            &[
                "Pre-flight",
                "Effects of controls",
                "Circuits",
                "First solo",
                "Navigation",
                "Skills test",
            ][..],
        ),
        (
            "Instrument Rating",
            &["Basic instrument flight", "Holds", "Approaches", "Skills test"][..],
        ),
    ] {
        let program = insert(
            tx,
            org,
            Table::TrainingPrograms,
            &[("name", Text(name.into())), ("created_at", stamp(now - Duration::days(400)))],
        )
        .await?;
        let mut ids = vec![];
        for (i, item) in items.iter().enumerate() {
            ids.push(
                insert(
                    tx,
                    org,
                    Table::TrainingItems,
                    &[
                        ("program_id", Int(program)),
                        ("position", Int(i as i64 + 1)),
                        ("name", Text((*item).into())),
                    ],
                )
                .await?,
            );
        }
        programs.push((program, ids));
    }
    for (s, student) in students.iter().enumerate() {
        let (program, items) = &programs[s % 2];
        insert(
            tx,
            org,
            Table::Enrolments,
            &[
                ("program_id", Int(*program)),
                ("student_id", Int(*student)),
                ("started_at", stamp(now - Duration::days(120))),
            ],
        )
        .await?;
        // Students progress at different paces; signoffs spread over months.
        for (i, item) in items.iter().enumerate().take(1 + s % items.len()) {
            insert(
                tx,
                org,
                Table::Signoffs,
                &[
                    ("student_id", Int(*student)),
                    ("program_id", Int(*program)),
                    ("item_id", Int(*item)),
                    (
                        "signed_by",
                        Text(if i % 2 == 0 { "Olivia Owner".into() } else { "Max Manager".into() }),
                    ),
                    ("signed_at", stamp(now - Duration::days(90 - (i as i64) * 25 - s as i64))),
                ],
            )
            .await?;
        }
        let (kind, valid) = match s % 3 {
            0 => ("Class 2 medical", Some(300)),
            1 => ("Class 2 medical", Some(20)),
            _ => ("Class 2 medical", Some(-5)),
        };
        let status = if valid.unwrap_or(0) < 0 {
            "expired"
        } else if valid.unwrap_or(0) <= 30 {
            "expiring"
        } else {
            "valid"
        };
        insert(
            tx,
            org,
            Table::ComplianceRecords,
            &[
                ("subject_type", Text("pilot".into())),
                ("subject_id", Int(*student)),
                ("record_type", Text(kind.into())),
                ("valid_until", valid.map(day).unwrap_or(NullText)),
                ("status", Text(status.into())),
                ("created_at", stamp(now)),
                ("updated_at", stamp(now)),
            ],
        )
        .await?;
        if s < 3 {
            insert(
                tx,
                org,
                Table::Vtrs,
                &[
                    ("student_id", Int(*student)),
                    ("title", Text("First solo certificate".into())),
                    ("issued_on", day(-30 - s as i64)),
                    ("file_name", Text(format!("first-solo-{}.pdf", s + 1))),
                    ("size_bytes", Int(48_213 + s as i64)),
                    (
                        "content",
                        Text("%PDF-1.7 CERTIFICATE CONTENT: never served by the API".into()),
                    ),
                ],
            )
            .await?;
        }
    }
    for a in &aircraft {
        insert(
            tx,
            org,
            Table::ComplianceRecords,
            &[
                ("subject_type", Text("aircraft".into())),
                ("subject_id", Int(*a)),
                ("record_type", Text("Airworthiness review certificate".into())),
                ("valid_until", day(180)),
                ("status", Text("valid".into())),
                ("created_at", stamp(now)),
                ("updated_at", stamp(now)),
            ],
        )
        .await?;
    }
    for m in 0..6 {
        let first = (today - Duration::days(30 * m)).format("%Y-%m").to_string();
        insert(
            tx,
            org,
            Table::FinanceSummaries,
            &[
                ("period", Text(first)),
                ("revenue_cents", Int(4_250_000 + m * 130_000)),
                ("costs_cents", Int(3_100_000 + m * 90_000)),
                ("currency", Text("GBP".into())),
                ("created_at", stamp(now)),
            ],
        )
        .await?;
    }
    for (i, student) in students.iter().enumerate().take(6) {
        let status = ["paid", "open", "overdue"][i % 3];
        let lines = [
            ("Dual instruction, C172", 1.5, 23_500),
            ("Landing fees", 2.0, 1_800),
            ("Ground school", 1.0, 6_000),
        ];
        let lines = &lines[..2 + i % 2];
        let total: i64 = lines.iter().map(|(_, q, u)| (q * *u as f64).round() as i64).sum();
        let invoice = insert(
            tx,
            org,
            Table::Invoices,
            &[
                ("number", Text(format!("AFA-2026-{:04}", i + 1))),
                ("student_id", Int(*student)),
                ("issued_on", day(-20 - i as i64)),
                ("due_on", day(10 - 10 * (i as i64 % 3))),
                ("status", Text(status.into())),
                ("currency", Text("GBP".into())),
                ("total_cents", Int(total)),
                ("created_at", stamp(now)),
            ],
        )
        .await?;
        for (description, quantity, unit) in lines {
            insert(
                tx,
                org,
                Table::InvoiceLines,
                &[
                    ("invoice_id", Int(invoice)),
                    ("description", Text((*description).into())),
                    ("quantity", Float(*quantity)),
                    ("unit_cents", Int(*unit)),
                    ("amount_cents", Int((quantity * *unit as f64).round() as i64)),
                ],
            )
            .await?;
        }
    }
    for i in 0..10_i64 {
        let starts = now + Duration::days(i - 3) + Duration::hours(9 + (i % 3) * 2);
        let (kind, id) = match i % 3 {
            0 => ("aircraft", aircraft[(i as usize / 3) % 3]),
            1 => ("simulator", 1),
            _ => ("classroom", 2),
        };
        insert(
            tx,
            org,
            Table::PlanningSessions,
            &[
                ("starts_at", stamp(starts)),
                ("ends_at", stamp(starts + Duration::minutes(90))),
                ("instructor_id", Int(staff[(i as usize) % staff.len().min(2)])),
                ("student_id", Int(students[i as usize % students.len()])),
                ("resource_type", Text(kind.into())),
                ("resource_id", Int(id)),
                (
                    "title",
                    Text(
                        match kind {
                            "aircraft" => "Dual flight",
                            "simulator" => "Simulator session",
                            _ => "Ground school",
                        }
                        .into(),
                    ),
                ),
                ("created_at", stamp(now)),
            ],
        )
        .await?;
    }
    // The event log starts with what recording these rows would have emitted.
    use crate::operations::crud::emit_record;
    use crate::storage::school::{ComplianceRecord, Signoff};
    let signoff = crate::storage::school::latest_signoff(tx, org).await?;
    emit_record::<Signoff>(tx, org, signoff, "created", "demo").await?;
    let record = crate::storage::school::first_expired_record(tx, org).await?;
    emit_record::<ComplianceRecord>(tx, org, record, "updated", "demo").await?;
    // Items already due alert now, through the same check the sweep runs.
    let items = crate::storage::school::maintenance_item_ids(tx, org).await?;
    for item in items {
        crate::storage::school::check_maintenance_item(tx, org, item, today).await?;
    }
    Ok(())
}

fn hhmm(minutes: i64) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}
