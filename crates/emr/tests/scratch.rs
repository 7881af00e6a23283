use dynaplay_emr::presets::*;
use dynaplay_sim::SimDuration;

fn show(p: Preset, o: PresetOptions) {
    let t = std::time::Instant::now();
    let r = run(p, &o).unwrap();
    let s = &r.summary;
    println!("{:?} spec={} kill={} seed={} => {:.1}s startup={:?} mapsdone={:?} attempts={} spec={} wins={} killed={} failed={} loc={:?} in={:.0} sh={:.0} out={:.0} min_in={:.0} humps={} state={} wall={:?}",
        p, o.speculation, o.kill_workers, o.seed, s.simulated_seconds, s.startup_seconds, s.maps_done_seconds, s.attempts, s.speculative_attempts, s.speculative_wins, s.attempts_killed, s.attempts_failed, s.locality_ratio, s.peak_input_mbps, s.peak_shuffle_mbps, s.peak_output_mbps, s.min_input_mbps, s.shuffle_humps, s.state, t.elapsed());
    let job = r.cluster.job(r.job).unwrap();
    let sh = job.shuffle_rate.smoothed_mbps(5);
    let inp = job.input_rate.smoothed_mbps(5);
    let out = job.output_rate.smoothed_mbps(5);
    let mut line = String::new();
    for i in (0..sh.len().max(inp.len()).max(out.len())).step_by(25) {
        line += &format!("[{}: {:.0}/{:.0}/{:.0}] ", i, inp.get(i).unwrap_or(&0.0), sh.get(i).unwrap_or(&0.0), out.get(i).unwrap_or(&0.0));
    }
    println!("{line}");
    println!("humps {:?}", job.shuffle_rate.humps(5, s.peak_shuffle_mbps*0.05));
}

#[test]
fn presets() {
    let seed: u64 = std::env::var("SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(1);
    show(Preset::OsdiGrep, PresetOptions { seed, ..Default::default() });
    show(Preset::OsdiSort, PresetOptions { seed, ..Default::default() });
    show(Preset::OsdiSort, PresetOptions { seed, speculation: false, ..Default::default() });
    show(Preset::OsdiSort, PresetOptions { seed, kill_workers: 200, ..Default::default() });
    let _ = SimDuration::ZERO;
}
