//! Whole-process measurements: wall time from spawn to exit, the child's
//! own peak RSS (`wait4`, so each run is measured alone, not the
//! cumulative maximum of `RUSAGE_CHILDREN`), and the bytes it wrote.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{bail, Context, Result};

/// One run of a process.
#[derive(Debug, Clone, Copy)]
pub struct Run {
    /// Fork to exit, in seconds.
    pub seconds: f64,
    /// Peak resident set size, in bytes.
    pub rss_bytes: u64,
}

/// The first argument that makes `xtask` the measuring helper.
pub const HELPER: &str = "__bench-measure";

/// Runs `cmd` to completion with its output discarded, and measures it.
/// Fails when it exits unsuccessfully, with its standard error.
///
/// Linux keeps a process's peak RSS across `execve`, and a child spawned
/// straight from this (large) process would start with its high-water
/// mark. So the command runs under a fresh `xtask` [`helper`] that forks
/// it from a small address space, times it and reports its `wait4` usage.
pub fn run(cmd: &mut Command) -> Result<Run> {
    let mut helper = Command::new(std::env::current_exe()?);
    helper
        .arg(HELPER)
        .arg(cmd.get_program())
        .args(cmd.get_args());
    for (k, v) in cmd.get_envs() {
        match v {
            Some(v) => helper.env(k, v),
            None => helper.env_remove(k),
        };
    }
    if let Some(dir) = cmd.get_current_dir() {
        helper.current_dir(dir);
    }
    let out = helper
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("starting {:?}", cmd.get_program()))?;
    if !out.status.success() {
        bail!(
            "{:?} failed ({}): {}",
            cmd.get_program(),
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let mut words = text.split_whitespace();
    let (Some(secs), Some(kib)) = (words.next(), words.next()) else {
        bail!("the measuring helper printed {text:?}");
    };
    Ok(Run {
        seconds: secs.parse()?,
        // ru_maxrss is in KiB on Linux.
        rss_bytes: kib.parse::<u64>()? * 1024,
    })
}

/// The helper's whole life: fork, exec `args[0]` with `args[1..]` (its
/// output to /dev/null, its standard error kept), wait, and print
/// `<seconds> <peak RSS KiB>`; exits with the child's status.
pub fn helper(args: &[String]) -> ! {
    use std::ffi::CString;
    let fail = |what: &str| -> ! {
        eprintln!("{what}: {}", std::io::Error::last_os_error());
        std::process::exit(2)
    };
    let Ok(argv) = args
        .iter()
        .map(|a| CString::new(a.as_str()))
        .collect::<Result<Vec<_>, _>>()
    else {
        fail("an argument holds a NUL byte")
    };
    if argv.is_empty() {
        fail("no program to measure");
    }
    let mut ptrs: Vec<*const libc::c_char> = argv.iter().map(|a| a.as_ptr()).collect();
    ptrs.push(std::ptr::null());
    let null = CString::new("/dev/null").unwrap_or_default();
    let start = Instant::now();
    // SAFETY: the child only calls async-signal-safe functions (open,
    // dup2, execvp, _exit) on memory prepared before the fork.
    let pid = unsafe { libc::fork() };
    if pid < 0 {
        fail("fork");
    }
    if pid == 0 {
        unsafe {
            let fd = libc::open(null.as_ptr(), libc::O_WRONLY);
            if fd >= 0 {
                libc::dup2(fd, 1);
            }
            libc::execvp(ptrs[0], ptrs.as_ptr());
            libc::_exit(127);
        }
    }
    let mut status: libc::c_int = 0;
    // SAFETY: `rusage` is plain old data; `wait4` fills it for our child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let seconds = start.elapsed().as_secs_f64();
    if waited != pid {
        fail("wait4");
    }
    println!("{seconds:.9} {}", usage.ru_maxrss);
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        1
    };
    std::process::exit(code)
}

/// The median of `values` (the mean of the middle two for an even count).
pub fn median(values: &[f64]) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    if v.len() % 2 == 1 {
        v[mid]
    } else {
        (v[mid - 1] + v[mid]) / 2.0
    }
}

/// Medians of `runs` runs of the command `make` builds, each writing into
/// a fresh `out` (removed before every run): seconds, RSS bytes, and the
/// bytes of the files written by the last run.
pub fn repeat(runs: usize, out: &Path, make: impl Fn() -> Command) -> Result<Stats> {
    let mut stats = interleave(runs, &[(out, &make)])?;
    Ok(stats.remove(0))
}

/// Builds one of the commands [`interleave`] measures.
pub type Make<'a> = &'a dyn Fn() -> Command;

/// Like [`repeat`] for several commands measured side by side: `runs`
/// rounds, each running every command once in the order of [`schedule`],
/// so that a change of load on the machine weighs on all of them alike.
/// Each command writes into its own `out` (removed before each of its
/// runs); the result holds one [`Stats`] per command, in order.
pub fn interleave(runs: usize, commands: &[(&Path, Make<'_>)]) -> Result<Vec<Stats>> {
    let rounds = runs.max(1);
    let mut seconds = vec![Vec::with_capacity(rounds); commands.len()];
    let mut rss = vec![Vec::with_capacity(rounds); commands.len()];
    for i in schedule(rounds, commands.len()) {
        let (out, make) = commands[i];
        if out.exists() {
            std::fs::remove_dir_all(out)?;
        }
        let r = run(&mut make())?;
        seconds[i].push(r.seconds);
        rss[i].push(r.rss_bytes as f64);
    }
    commands
        .iter()
        .enumerate()
        .map(|(i, (out, _))| {
            Ok(Stats {
                seconds: median(&seconds[i]),
                rss_bytes: median(&rss[i]),
                bytes: dir_bytes(out)?,
                runs: seconds[i].len(),
            })
        })
        .collect()
}

/// The order in which [`interleave`] runs `count` commands over `rounds`
/// rounds, as command indices: every command once per round, in order on
/// even rounds and in reverse on odd ones, so none always runs first (on
/// a cold cache) or right after another.
pub fn schedule(rounds: usize, count: usize) -> Vec<usize> {
    (0..rounds)
        .flat_map(|round| (0..count).map(move |i| if round % 2 == 0 { i } else { count - 1 - i }))
        .collect()
}

/// Medians of repeated runs.
#[derive(Debug, Clone, Copy)]
pub struct Stats {
    /// Median wall time, in seconds.
    pub seconds: f64,
    /// Median peak RSS, in bytes.
    pub rss_bytes: f64,
    /// Bytes written (all files under the output directory).
    pub bytes: u64,
    /// Number of runs.
    pub runs: usize,
}

/// Total size of the files under `dir` (0 when it does not exist).
pub fn dir_bytes(dir: &Path) -> Result<u64> {
    if !dir.exists() {
        return Ok(0);
    }
    let mut total = 0;
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let meta = entry.metadata()?;
        total += if meta.is_dir() {
            dir_bytes(&entry.path())?
        } else {
            meta.len()
        };
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), 2.5);
        assert!(median(&[]).is_nan());
    }

    #[test]
    fn schedule_runs_each_command_once_per_round_alternating_the_order() {
        assert_eq!(schedule(3, 1), vec![0, 0, 0]);
        assert_eq!(schedule(4, 2), vec![0, 1, 1, 0, 0, 1, 1, 0]);
        assert_eq!(schedule(2, 3), vec![0, 1, 2, 2, 1, 0]);
        assert!(schedule(0, 2).is_empty());
        assert!(schedule(3, 0).is_empty());
    }
}
