-- POST /api/partner with a realistic body; every 7th request is a fast-track enterprise inquiry.
-- Each request comes from its own client address (X-Forwarded-For; the bench server trusts the
-- loopback proxy), so the per-IP limit (default 5 per 10 min) is exercised as in production.
local n = 0
request = function()
  n = n + 1
  local type = (n % 7 == 0) and "enterprise" or "reseller"
  local body = string.format(
    '{"name":"Bench User %d","email":"bench%d@example.com","company":"Bench Co","website":"bench.example","type":"%s","message":"We would like to resell agents to our customers. Request %d."}',
    n, n, type, n)
  local ip = string.format("10.%d.%d.%d", math.floor(n / 65536) % 256, math.floor(n / 256) % 256, n % 256)
  return wrk.format("POST", "/api/partner", { ["Content-Type"] = "application/json", ["X-Forwarded-For"] = ip }, body)
end
