-- GET /api/v1/shows/{id}/seatmap across many shows (bench/run.sh). Environment: HOLD_SHOWS.
local shows = {}
local counter = 0

init = function(args)
  for id in string.gmatch(os.getenv("HOLD_SHOWS"), "[^,]+") do shows[#shows + 1] = id end
end

request = function()
  counter = counter + 1
  return wrk.format("GET", "/api/v1/shows/" .. shows[(counter % #shows) + 1] .. "/seatmap")
end

dofile(os.getenv("BENCH_DIR") .. "/report.lua")
