-- wrk script: each request takes the next path of the file named by $BENCH_PATHS.
-- BENCH_DISJOINT=1: each wrk thread walks its own part of the list (no path asked twice until
-- a thread has used up its part), for runs that must not hit the server's answer cache.
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do
  if #line > 0 then paths[#paths + 1] = line end
end

local threads = {}
function setup(thread)
  thread:set("id", #threads)
  threads[#threads + 1] = thread
  thread:set("nthreads", 0)
  for _, t in ipairs(threads) do t:set("nthreads", #threads) end
end

local i = nil
request = function()
  if i == nil then
    if os.getenv("BENCH_DISJOINT") == "1" and nthreads and nthreads > 0 then
      i = (id or 0) * math.floor(#paths / nthreads)
    else
      i = math.random(#paths)
    end
  end
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
