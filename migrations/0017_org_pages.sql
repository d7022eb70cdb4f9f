-- Every list of an org's rows is a keyset page in id order
-- (`storage::page`): with (org_id, id) it is a walk along an index that
-- stops at the page size, not a read of the org's rows and a sort.

CREATE INDEX staff_users_org_page ON staff_users (org_id, id);
CREATE INDEX airlines_org_page ON airlines (org_id, id);
CREATE INDEX airports_org_page ON airports (org_id, id);
CREATE INDEX ranks_org_page ON ranks (org_id, id);
CREATE INDEX hubs_org_page ON hubs (org_id, id);
CREATE INDEX badges_org_page ON badges (org_id, id);
CREATE INDEX subfleets_org_page ON subfleets (org_id, id);
CREATE INDEX aircraft_org_page ON aircraft (org_id, id);
CREATE INDEX pilots_org_page ON pilots (org_id, id);
CREATE INDEX bookings_org_page ON bookings (org_id, id);
CREATE INDEX pireps_org_page ON pireps (org_id, id);
CREATE INDEX announcements_org_page ON announcements (org_id, id);
CREATE INDEX oauth_clients_org_page ON oauth_clients (org_id, id);
CREATE INDEX pilot_notes_org_page ON pilot_notes (org_id, id);
CREATE INDEX pirep_comments_org_page ON pirep_comments (org_id, id);
CREATE INDEX registrations_org_page ON registrations (org_id, id);
CREATE INDEX transfers_org_page ON transfers (org_id, id);
CREATE INDEX activity_events_org_page ON activity_events (org_id, id);
CREATE INDEX tours_org_page ON tours (org_id, id);
CREATE INDEX tour_legs_org_page ON tour_legs (org_id, id);
CREATE INDEX rosters_org_page ON rosters (org_id, id);
CREATE INDEX focus_airports_org_page ON focus_airports (org_id, id);
CREATE INDEX community_goals_org_page ON community_goals (org_id, id);
CREATE INDEX challenges_org_page ON challenges (org_id, id);
CREATE INDEX api_tokens_org_page ON api_tokens (org_id, id);
CREATE INDEX org_keys_org_page ON org_keys (org_id, id);
CREATE INDEX compliance_records_org_page ON compliance_records (org_id, id);
CREATE INDEX signoffs_org_page ON signoffs (org_id, id);
CREATE INDEX finance_summaries_org_page ON finance_summaries (org_id, id);
CREATE INDEX invoices_org_page ON invoices (org_id, id);
CREATE INDEX invoice_lines_org_page ON invoice_lines (org_id, id);
CREATE INDEX maintenance_items_org_page ON maintenance_items (org_id, id);
CREATE INDEX work_orders_org_page ON work_orders (org_id, id);
CREATE INDEX vtrs_org_page ON vtrs (org_id, id);
CREATE INDEX planning_sessions_org_page ON planning_sessions (org_id, id);
CREATE INDEX routings_org_page ON routings (org_id, id);
