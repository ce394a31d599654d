-- New users arriving at a steady rate, each walking hold (two seats) → order → confirm payment
-- (bench/first-minute.sh). One connection per wrk thread; each thread starts a new user every
-- THREADS / USERS_PER_SECOND seconds, so the whole run starts USERS_PER_SECOND users a second
-- as long as a user's walk fits in its slot (a slower walk delays that thread's next user, and the
-- slots missed are not made up: latencies under overload are understated, as with any closed loop).
-- Environment: WORK_FILE (lines "token showId seat,seat", each used once; thread t takes lines
-- t, t + THREADS, …), USERS_PER_SECOND, WRK_THREADS.
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clock, bench_timespec* ts);
]]
local timespec = ffi.new("bench_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, timespec)  -- CLOCK_MONOTONIC
  return tonumber(timespec.tv_sec) * 1000 + tonumber(timespec.tv_nsec) / 1e6
end

local threads = {}
local next_id = 0
setup = function(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  threads[#threads + 1] = thread
end

local work = {}
local position = 1
local step = "hold"
local hold_id, order_id
local interval_ms, next_user_at
bookings, failures, exhausted = 0, 0, 0

init = function(args)
  local thread_count = tonumber(os.getenv("WRK_THREADS"))
  local n = 0
  for line in io.lines(os.getenv("WORK_FILE")) do
    if n % thread_count == id then
      local token, show, seats = line:match("^(%S+) (%S+) (%S+)$")
      work[#work + 1] = { token = token, show = show, seats = seats }
    end
    n = n + 1
  end
  interval_ms = thread_count * 1000 / tonumber(os.getenv("USERS_PER_SECOND"))
  -- Threads start spread over one slot, not all at once.
  next_user_at = now_ms() + interval_ms * id / thread_count
end

delay = function()
  if step ~= "hold" then return 0 end
  local wait = next_user_at - now_ms()
  next_user_at = math.max(next_user_at, now_ms()) + interval_ms
  return math.max(0, math.floor(wait))
end

local json = { ["Content-Type"] = "application/json" }
request = function()
  local user = work[position]
  if not user then
    -- More time than work: ask for something harmless and say so at the end.
    exhausted = exhausted + 1
    return wrk.format("GET", "/api/health")
  end
  json["Authorization"] = "Bearer " .. user.token
  if step == "hold" then
    local seats = '"' .. user.seats:gsub(",", '","') .. '"'
    return wrk.format("POST", "/api/v1/holds", json,
      '{"showId":"' .. user.show .. '","seatIds":[' .. seats .. '],"quantity":2}')
  elseif step == "order" then
    return wrk.format("POST", "/api/v1/orders", json, '{"holdId":"' .. hold_id ..
      '","customer":{"name":"Bench User","email":"bench@example.com","phone":"+919876543210"}}')
  else
    return wrk.format("POST", "/api/v1/orders/" .. order_id .. "/confirm-payment", json)
  end
end

response = function(status, headers, body)
  if not work[position] then return end
  if step == "hold" and status == 201 then
    hold_id = body:match('"holdId":"([^"]+)"')
    step = "order"
  elseif step == "order" and status == 201 then
    order_id = body:match('"orderId":"([^"]+)"')
    step = "pay"
  else
    if step == "pay" and status == 200 then bookings = bookings + 1 else failures = failures + 1 end
    step = "hold"
    position = position + 1
  end
end

-- RESULT <requests/s> <p50 ms> <p99 ms> <max ms> <bookings> <failed steps> <socket errors>
done = function(summary, latency, requests)
  local done_bookings, done_failures, done_exhausted = 0, 0, 0
  for _, t in ipairs(threads) do
    done_bookings = done_bookings + t:get("bookings")
    done_failures = done_failures + t:get("failures")
    done_exhausted = done_exhausted + t:get("exhausted")
  end
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  if done_exhausted > 0 then io.stderr:write("the work file ran out: make it longer\n") end
  io.write(string.format("RESULT %.0f %.2f %.2f %.2f %d %d %d\n", summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    done_bookings, done_failures, errors))
end
