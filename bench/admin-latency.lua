-- wrk script: prints one summary line for the admin page benchmark (bench/admin-run.sh).
function done(summary, latency, requests)
  io.write(string.format("p50=%.2fms p99=%.2fms max=%.2fms req/s=%.0f non2xx=%d\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.requests / (summary.duration / 1e6), summary.errors.status))
end
