-- wrk script: POSTs pre-signed webhook bodies with a unique X-Mintbot-Event-Id per request.
-- The signature covers the body only, so one signed body can carry many distinct events.
--   SIGNED=/tmp/bench/signed.tsv wrk -t1 -c32 -d10s -s bench/webhook.lua --latency http://127.0.0.1:8090/webhooks/mintoffice
local requests = {}
local counter = 0
local prefix = ""

function setup(thread)
  thread:set("tid", tostring(math.random(100000, 999999)))
end

function init(args)
  prefix = tid or tostring(math.random(100000, 999999))
  local path = os.getenv("SIGNED") or "/tmp/bench/signed.tsv"
  for line in io.lines(path) do
    local sig, order, typ, body = line:match("^([^\t]+)\t([^\t]+)\t([^\t]+)\t(.*)$")
    if sig then requests[#requests + 1] = { sig = sig, order = order, typ = typ, body = body } end
  end
end

function request()
  counter = counter + 1
  local r = requests[(counter % #requests) + 1]
  -- evt_<order>_<type>_<ms>-like, unique per thread and request
  local id = "evt_" .. r.order .. "_" .. r.typ .. "_" .. prefix .. counter
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/json",
    ["X-Mintbot-Signature"] = r.sig,
    ["X-Mintbot-Event-Id"] = id,
    ["X-Mintbot-Event-Type"] = r.typ,
  }, r.body)
end

local non200 = 0
function response(status, headers, body)
  if status ~= 200 then non200 = non200 + 1 end
end

function done(summary, latency, requests)
  io.write(string.format("p50=%.2fms p99=%.2fms max=%.2fms req/s=%.0f errors(non2xx)=%d\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.requests / (summary.duration / 1e6), summary.errors.status))
end
