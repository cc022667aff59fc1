-- wrk script for overload runs: one connection per wrk thread (run with -t N -c N), so each
-- thread's request and response alternate and every request is timed (with its connect when it has
-- a connection of its own) with the monotonic clock (LuaJIT FFI). Latencies are kept apart by outcome: accepted (2xx), shed (429,
-- 503: the limits' fast refusals) and other. MLSYS_BODY is the request body; MLSYS_DELAY_MS paces
-- each connection (a pause after every answer), so N connections offer about N * 1000 / (delay +
-- latency) requests a second whatever the server does with them.
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } mlsys_timespec;
  int clock_gettime(int clk_id, mlsys_timespec *tp);
]]
local ts = ffi.new("mlsys_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = os.getenv("MLSYS_BODY")
-- MLSYS_KEEPALIVE=1 keeps each connection for its requests (the REST socket sets TCP_NODELAY, so a
-- large answer no longer waits for the client's delayed ACK); otherwise a new connection per
-- request, its connect timed with it.
if os.getenv("MLSYS_KEEPALIVE") ~= "1" then
  wrk.headers["Connection"] = "close"
end
local pause = tonumber(os.getenv("MLSYS_DELAY_MS") or "0")

local threads = {}
function setup(thread)
  table.insert(threads, thread)
end

local started = 0
accepted, shed, other = {}, {}, {}
local request_text

function init(args)
  request_text = wrk.format()
end

function request()
  started = now_ms()
  return request_text
end

function response(status, headers, body)
  local took = now_ms() - started
  if status >= 200 and status < 300 then
    accepted[#accepted + 1] = took
  elseif status == 429 or status == 503 then
    shed[#shed + 1] = took
  else
    other[#other + 1] = took
  end
end

if pause > 0 then
  function delay()
    return pause
  end
end

local function percentile(sorted, p)
  if #sorted == 0 then
    return 0
  end
  local index = math.max(1, math.ceil(#sorted * p / 100))
  return sorted[index]
end

local function report(name, values, seconds)
  table.sort(values)
  io.write(string.format("%-9s %7d  %8.1f/s  p50 %8.3f ms  p90 %8.3f ms  p99 %8.3f ms  max %8.3f ms\n",
    name, #values, #values / seconds, percentile(values, 50), percentile(values, 90),
    percentile(values, 99), values[#values] or 0))
end

function done(summary, latency, requests)
  local all = { accepted = {}, shed = {}, other = {} }
  for _, thread in ipairs(threads) do
    for name, into in pairs(all) do
      for _, value in ipairs(thread:get(name)) do
        into[#into + 1] = value
      end
    end
  end
  local seconds = summary.duration / 1e6
  io.write(string.format("offered %.1f/s, socket errors %d\n", summary.requests / seconds,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
  report("accepted", all.accepted, seconds)
  report("shed", all.shed, seconds)
  report("other", all.other, seconds)
end
