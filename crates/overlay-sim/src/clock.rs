//! Simulated time: minutes since a scenario's start, shown as UTC for dated scenarios.

/// "2010-12-22T16:30Z" for `unix` seconds (civil-from-days, proleptic Gregorian).
pub fn iso_utc(unix: i64) -> String {
    let days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400);
    let (y, m, d) = civil(days);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}Z", secs / 3600, secs % 3600 / 60)
}

/// Hour of day (0–24) at `unix` seconds.
pub fn hour_of_day(unix: i64) -> f64 {
    unix.rem_euclid(86_400) as f64 / 3600.0
}

fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    #[test]
    fn dec_2010() {
        assert_eq!(super::iso_utc(1_293_019_200), "2010-12-22T12:00Z");
        assert_eq!(super::iso_utc(1_187_265_600), "2007-08-16T12:00Z");
    }
}
