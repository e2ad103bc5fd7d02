//! Weekly maintenance windows (`ddd:hh24:mi-ddd:hh24:mi`) and daily backup
//! windows (`hh24:mi-hh24:mi`), as RDS and ElastiCache take them, parsed
//! and checked at synth.

const DAYS: [&str; 7] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
const WEEK: u32 = 7 * 24 * 60;
const DAY: u32 = 24 * 60;

/// A window in minutes of the week (UTC), `start` inclusive, `end`
/// exclusive, possibly wrapping past Saturday midnight.
///
/// ```
/// use strata::window::Window;
/// let maintenance = Window::weekly("sun:06:00-sun:07:00").unwrap();
/// let backup = Window::daily("05:00-06:00").unwrap();
/// assert_eq!(maintenance.minutes(), 60);
/// assert!(!maintenance.overlaps(&backup));
/// assert!(Window::daily("25:00-26:00").is_err());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    start: u32,
    end: u32,
    daily: bool,
}

fn time(s: &str) -> Option<u32> {
    let (h, m) = s.split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then_some(h * 60 + m)
}

fn day_time(s: &str) -> Option<u32> {
    let (d, t) = s.split_once(':')?;
    let day = DAYS.iter().position(|x| x.eq_ignore_ascii_case(d))? as u32;
    Some(day * DAY + time(t)?)
}

impl Window {
    /// A weekly window such as `sun:06:00-sun:07:00`.
    pub fn weekly(text: &str) -> Result<Window, String> {
        let parsed = text
            .split_once('-')
            .and_then(|(a, b)| Some((day_time(a)?, day_time(b)?)));
        match parsed {
            Some((start, end)) if start != end => Ok(Window {
                start,
                end,
                daily: false,
            }),
            _ => Err(format!(
                "{text:?} is not a weekly window; write ddd:hh24:mi-ddd:hh24:mi in UTC, such as sun:06:00-sun:07:00"
            )),
        }
    }

    /// A daily window such as `05:00-06:00`.
    pub fn daily(text: &str) -> Result<Window, String> {
        let parsed = text
            .split_once('-')
            .and_then(|(a, b)| Some((time(a)?, time(b)?)));
        match parsed {
            Some((start, end)) if start != end => Ok(Window {
                start,
                end,
                daily: true,
            }),
            _ => Err(format!(
                "{text:?} is not a daily window; write hh24:mi-hh24:mi in UTC, such as 05:00-06:00"
            )),
        }
    }

    /// The window's length in minutes.
    pub fn minutes(&self) -> u32 {
        let period = if self.daily { DAY } else { WEEK };
        (self.end + period - self.start) % period
    }

    /// The minute ranges of the week this window covers.
    fn ranges(&self) -> Vec<(u32, u32)> {
        let repeats = if self.daily { 7 } else { 1 };
        let period = if self.daily { DAY } else { WEEK };
        (0..repeats)
            .flat_map(|d| {
                let start = d * period + self.start;
                let end = start + self.minutes();
                if end > WEEK {
                    vec![(start, WEEK), (0, end - WEEK)]
                } else {
                    vec![(start, end)]
                }
            })
            .collect()
    }

    /// Whether the two windows share a minute in any week.
    pub fn overlaps(&self, other: &Window) -> bool {
        self.ranges()
            .iter()
            .any(|a| other.ranges().iter().any(|b| a.0 < b.1 && b.0 < a.1))
    }
}
