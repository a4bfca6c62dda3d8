// Constraints and indexes, applied idempotently every time a store opens.
// Uniqueness constraints come before any MERGE: MERGE on an unindexed key scans the label.
CREATE CONSTRAINT company_id IF NOT EXISTS FOR (n:Company) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT person_id IF NOT EXISTS FOR (n:Person) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT rep_id IF NOT EXISTS FOR (n:Rep) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT deal_id IF NOT EXISTS FOR (n:Deal) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT product_id IF NOT EXISTS FOR (n:Product) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT touch_id IF NOT EXISTS FOR (n:Touch) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT ingest_lock_id IF NOT EXISTS FOR (n:IngestLock) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT industry_name IF NOT EXISTS FOR (n:Industry) REQUIRE n.name IS UNIQUE;
CREATE CONSTRAINT store_version_id IF NOT EXISTS FOR (n:StoreVersion) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT alias_kind_id IF NOT EXISTS FOR (n:Alias) REQUIRE (n.kind, n.id) IS UNIQUE;
CREATE INDEX alias_into IF NOT EXISTS FOR (n:Alias) ON (n.into);
CREATE INDEX company_name IF NOT EXISTS FOR (n:Company) ON (n.name);
CREATE INDEX company_domain IF NOT EXISTS FOR (n:Company) ON (n.domain);
CREATE INDEX company_parent IF NOT EXISTS FOR (n:Company) ON (n.parent_id);
CREATE INDEX person_email IF NOT EXISTS FOR (n:Person) ON (n.email);
CREATE INDEX person_name IF NOT EXISTS FOR (n:Person) ON (n.name);
CREATE INDEX person_company IF NOT EXISTS FOR (n:Person) ON (n.company_id);
CREATE INDEX person_manager IF NOT EXISTS FOR (n:Person) ON (n.reports_to_id);
CREATE INDEX touch_at IF NOT EXISTS FOR (n:Touch) ON (n.at);
CREATE INDEX company_name_key IF NOT EXISTS FOR (n:Company) ON (n.name_key);
CREATE INDEX person_email_key IF NOT EXISTS FOR (n:Person) ON (n.email_key);
CREATE CONSTRAINT account_result_account IF NOT EXISTS FOR (n:AccountResult) REQUIRE n.account_id IS UNIQUE;
CREATE INDEX deal_result_deal IF NOT EXISTS FOR (n:DealResult) ON (n.deal_id);
CREATE INDEX deal_result_account IF NOT EXISTS FOR (n:DealResult) ON (n.account_id);
CREATE INDEX gap_account IF NOT EXISTS FOR (n:Gap) ON (n.account_id);
CREATE INDEX gap_kind IF NOT EXISTS FOR (n:Gap) ON (n.kind);
CREATE INDEX person_result_account IF NOT EXISTS FOR (n:PersonResult) ON (n.account_id);
CREATE INDEX account_result_gaps_high IF NOT EXISTS FOR (n:AccountResult) ON (n.gaps_high);
CREATE INDEX account_result_coverage IF NOT EXISTS FOR (n:AccountResult) ON (n.coverage);
CREATE INDEX result_detail_account IF NOT EXISTS FOR (n:ResultDetail) ON (n.account_id);
CREATE INDEX account_result_completeness IF NOT EXISTS FOR (n:AccountResult) ON (n.completeness);
CREATE INDEX account_result_gaps_total IF NOT EXISTS FOR (n:AccountResult) ON (n.gaps_total);
CREATE INDEX account_result_engagement_score IF NOT EXISTS FOR (n:AccountResult) ON (n.engagement_score);
// The account lists' orders: a figure (or its negation, for descending), then name and id.
CREATE INDEX account_result_order_coverage IF NOT EXISTS FOR (n:AccountResult) ON (n.coverage, n.name, n.account_id);
CREATE INDEX account_result_order_coverage_desc IF NOT EXISTS FOR (n:AccountResult) ON (n.coverage_desc, n.name, n.account_id);
CREATE INDEX account_result_order_completeness IF NOT EXISTS FOR (n:AccountResult) ON (n.completeness, n.name, n.account_id);
CREATE INDEX account_result_order_completeness_desc IF NOT EXISTS FOR (n:AccountResult) ON (n.completeness_desc, n.name, n.account_id);
CREATE INDEX account_result_order_gaps_total IF NOT EXISTS FOR (n:AccountResult) ON (n.gaps_total, n.name, n.account_id);
CREATE INDEX account_result_order_gaps_total_desc IF NOT EXISTS FOR (n:AccountResult) ON (n.gaps_total_desc, n.name, n.account_id);
CREATE INDEX account_result_order_gaps_high IF NOT EXISTS FOR (n:AccountResult) ON (n.gaps_high, n.name, n.account_id);
CREATE INDEX account_result_order_gaps_high_desc IF NOT EXISTS FOR (n:AccountResult) ON (n.gaps_high_desc, n.name, n.account_id);
CREATE INDEX account_result_order_engagement_score IF NOT EXISTS FOR (n:AccountResult) ON (n.engagement_score, n.name, n.account_id);
CREATE INDEX account_result_order_engagement_score_desc IF NOT EXISTS FOR (n:AccountResult) ON (n.engagement_score_desc, n.name, n.account_id);
CREATE CONSTRAINT touch_day_key IF NOT EXISTS FOR (n:TouchDay) REQUIRE (n.company_id, n.day) IS UNIQUE;
CREATE INDEX touch_day_company IF NOT EXISTS FOR (n:TouchDay) ON (n.company_id);
CREATE CONSTRAINT migration_id IF NOT EXISTS FOR (n:Migration) REQUIRE n.id IS UNIQUE
