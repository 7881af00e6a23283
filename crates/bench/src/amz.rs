//! The headers every DynamoDB request carries, as an AWS SDK would send them.
//!
//! DynamoDB Local and dynalite refuse a request without an `Authorization` header in the
//! SigV4 shape and an `X-Amz-Date`, though neither checks the signature (dynalite only
//! parses the header; DynamoDB Local uses the access key to pick a database). So the load
//! generator sends a fixed, well-formed but unsigned header: real signing would add an
//! HMAC chain per request to the client's cost and measure nothing about the servers.

/// The `Authorization` header: the SigV4 layout with a fake key and signature.
pub const AUTHORIZATION: &str = "AWS4-HMAC-SHA256 Credential=fake/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=0000";

/// The DynamoDB JSON 1.0 content type.
pub const CONTENT_TYPE: &str = "application/x-amz-json-1.0";

/// `X-Amz-Target` for `operation`.
pub fn target(operation: &str) -> String {
    format!("DynamoDB_20120810.{operation}")
}

/// `X-Amz-Date` (`20260101T000000Z`) for a moment given in seconds since the Unix epoch.
pub fn amz_date(unix_seconds: u64) -> String {
    let days = unix_seconds / 86_400;
    let seconds = unix_seconds % 86_400;
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}{month:02}{day:02}T{:02}{:02}{:02}Z",
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60
    )
}

/// The proleptic Gregorian date of a day counted from 1970-01-01 (Howard Hinnant's
/// `civil_from_days`, for non-negative days).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_formatted_as_sigv4_wants() {
        assert_eq!(amz_date(0), "19700101T000000Z");
        // 2026-01-01T00:00:00Z
        assert_eq!(amz_date(1_767_225_600), "20260101T000000Z");
        // 2024-02-29T23:59:59Z, a leap day.
        assert_eq!(amz_date(1_709_251_199), "20240229T235959Z");
        // 2000-03-01T12:34:56Z, just after a 400-year leap day.
        assert_eq!(amz_date(951_914_096), "20000301T123456Z");
    }

    #[test]
    fn target_names_the_api_version() {
        assert_eq!(target("GetItem"), "DynamoDB_20120810.GetItem");
    }
}
