-- Full bookings (hold → order → confirm-payment) for bench/run.sh. Run with as many wrk threads as
-- connections (-tN -cN): each thread then owns one connection, its responses come back in order, and
-- each thread walks its own booking through the three steps. Every thread is one user booking
-- single seats; thread t books the (show, seat) pairs g = t, t + N, t + 2N, … so no two threads
-- ever want the same seat. Environment: BOOK_SHOWS (show ids of 8 × 15 screens, untouched by the
-- holds benchmark), HOLD_TOKENS (as holds.lua), BOOK_THREADS (N).
local threads = {}

setup = function(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

local shows, token, nthreads = {}, nil, 1
local step, counter, hold, order = "hold", 0, nil, nil
bookings = 0

init = function(args)
  for id in string.gmatch(os.getenv("BOOK_SHOWS"), "[^,]+") do shows[#shows + 1] = id end
  local tokens = {}
  for line in io.lines(os.getenv("HOLD_TOKENS")) do tokens[#tokens + 1] = line end
  token = tokens[(tid % #tokens) + 1]
  nthreads = tonumber(os.getenv("BOOK_THREADS"))
  -- A warm-up run right before books the same pairs from 0: start each run somewhere else.
  counter = (os.time() % 1000) * 1000
end

local function post(path, body)
  return wrk.format("POST", path, {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token}, body)
end

request = function()
  if step == "hold" then
    local g = tid + nthreads * counter
    counter = counter + 1
    local show = shows[(g % #shows) + 1]
    local k = math.floor(g / #shows) % 120
    local seat = string.char(65 + math.floor(k / 15)) .. tostring(k % 15 + 1)
    return post("/api/v1/holds", '{"showId":"' .. show .. '","seatIds":["' .. seat .. '"],"quantity":1}')
  elseif step == "order" then
    return post("/api/v1/orders", '{"holdId":"' .. hold ..
      '","customer":{"name":"Bench User","email":"bench@example.com","phone":"9876543210"}}')
  else
    return post("/api/v1/orders/" .. order .. "/confirm-payment", "")
  end
end

response = function(status, headers, body)
  if step == "hold" then
    if status == 201 then
      hold = string.match(body, '"holdId":"([^"]+)"')
      step = "order"
    end
  elseif step == "order" then
    if status == 201 then
      order = string.match(body, '"orderId":"([^"]+)"')
      step = "confirm"
    else
      step = "hold"
    end
  else
    if status == 200 then bookings = bookings + 1 end
    step = "hold"
  end
end

done = function(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do total = total + t:get("bookings") end
  io.write(string.format("BOOKINGS %.0f %.2f %.2f %d\n", total / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.errors.status))
end
