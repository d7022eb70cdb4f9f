//! Group commit for position reports. A thousand trackers each reporting
//! once a second are a thousand small transactions a second; writers here
//! take whatever reports are waiting and store them in one transaction.
//! A report is acknowledged only after its transaction commits, so an
//! acknowledged report is never lost.
//!
//! Reports of one flight always go to the same writer, in order.

use std::collections::HashMap;

use tokio::sync::{mpsc, oneshot};

use crate::domain::{OrgId, PilotId, PirepId};

use crate::storage::pireps::{self, FlightReport, Reported};
use crate::storage::{Backend, Db};

/// Reports stored in one transaction at most.
const GROUP: usize = 256;
/// Reports waiting per writer before callers wait for room.
const QUEUE: usize = 4_096;

struct Job {
    report: FlightReport,
    done: oneshot::Sender<Result<Reported, sqlx::Error>>,
}

#[derive(Clone)]
pub struct ReportWriter {
    queues: Vec<mpsc::Sender<Job>>,
    flights: std::sync::Arc<FlightIds>,
}

/// Which PIREP a pilot's tracking id names, as a lookup found it: a
/// tracking id names one PIREP for good, so a tracker's next reports skip
/// the lookup (the group checks the flight is still in progress).
#[derive(Default)]
struct FlightIds(std::sync::Mutex<HashMap<(OrgId, PilotId, String), PirepId>>);

/// Flights remembered at most; beyond, the memory starts again.
const FLIGHTS_KEPT: usize = 100_000;

impl ReportWriter {
    /// Starts the writers: one on SQLite (it has one writer connection),
    /// several on PostgreSQL. They stop when the last handle is dropped.
    pub fn start(db: Db) -> ReportWriter {
        let writers = if db.backend() == Backend::Sqlite { 1 } else { 4 };
        let queues = (0..writers)
            .map(|_| {
                let (sender, receiver) = mpsc::channel(QUEUE);
                tokio::spawn(write(db.clone(), receiver));
                sender
            })
            .collect();
        ReportWriter { queues, flights: Default::default() }
    }

    /// The PIREP a pilot's tracking id was found to name, if remembered.
    pub fn flight(&self, org: OrgId, pilot: PilotId, tracking: &str) -> Option<PirepId> {
        let flights = self.flights.0.lock().unwrap_or_else(|e| e.into_inner());
        flights.get(&(org, pilot, tracking.to_owned())).copied()
    }

    pub fn remember(&self, org: OrgId, pilot: PilotId, tracking: &str, pirep: PirepId) {
        let mut flights = self.flights.0.lock().unwrap_or_else(|e| e.into_inner());
        if flights.len() >= FLIGHTS_KEPT {
            flights.clear();
        }
        flights.insert((org, pilot, tracking.to_owned()), pirep);
    }

    /// Stores a report; answers once it is committed.
    pub async fn store(&self, report: FlightReport) -> Result<Reported, sqlx::Error> {
        let queue = &self.queues[report.pirep.0.unsigned_abs() as usize % self.queues.len()];
        let (done, answer) = oneshot::channel();
        let closed = || sqlx::Error::PoolClosed;
        queue.send(Job { report, done }).await.map_err(|_| closed())?;
        answer.await.map_err(|_| closed())?
    }
}

async fn write(db: Db, mut receiver: mpsc::Receiver<Job>) {
    let mut waiting = Vec::with_capacity(GROUP);
    while !waiting.is_empty() || receiver.recv_many(&mut waiting, GROUP).await > 0 {
        // One report per flight in a group; a flight's next report waits
        // for the next group, so its answers stay exact and in order.
        let mut flights = std::collections::HashSet::new();
        let (group, later): (Vec<Job>, Vec<Job>) =
            waiting.drain(..).partition(|job| flights.insert(job.report.pirep));
        waiting = later;
        match store_group(&db, &group).await {
            Ok(results) => {
                for (job, result) in group.into_iter().zip(results) {
                    let _ = job.done.send(Ok(result));
                }
            }
            // One report's failure must not fail the others: alone, each
            // gets its own answer.
            Err(_) => {
                for job in group {
                    let result = store_group(&db, std::slice::from_ref(&job)).await;
                    let _ = job.done.send(result.map(|mut r| r.remove(0)));
                }
            }
        }
    }
}

async fn store_group(db: &Db, jobs: &[Job]) -> Result<Vec<Reported>, sqlx::Error> {
    let reports: Vec<&FlightReport> = jobs.iter().map(|job| &job.report).collect();
    let resent = pireps::resent(db, &reports).await?;
    let mut tx = db.begin().await?;
    let results = pireps::report_many(&mut tx, &reports, &resent).await?;
    tx.commit().await?;
    Ok(results)
}
