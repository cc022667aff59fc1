-- wrk script: submit OIP infer requests as asynchronous jobs (Prefer: respond-async); with
-- MLSYS_DELAY_MS set, each connection waits that long between requests (a steady rate).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Prefer"] = "respond-async"
wrk.body = os.getenv("MLSYS_BODY")
local pause = tonumber(os.getenv("MLSYS_DELAY_MS") or "0")

function delay()
  return pause
end

done = function(summary, latency, requests)
  io.write(string.format("submitted: %d, errors (non-2xx/socket): %d/%d\n",
    summary.requests, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
  io.write(string.format("submission rate: %.0f jobs/s, p50 %.3f ms, p99 %.3f ms\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000))
end
