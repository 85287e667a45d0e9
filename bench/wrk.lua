-- bench/wrk.lua — the request side of every `make bench` scenario, chosen by BENCH_MODE:
--
--   get     GET the URL given to wrk, signed in (BENCH_COOKIE for pages, BENCH_BEARER for /api);
--           BENCH_CLOSE set: with Connection: close, a new connection for each request
--   detail  GET BENCH_PREFIX .. id, walking the ids of BENCH_IDS (one per line) from a
--           different start in each thread, so the page cache sees many hazards, not one
--   report  POST /api/v1/hazards: multipart with area, category, description and the photo
--           BENCH_PHOTO, with the bearer token (the API route: no CSRF token needed)
--   mixed   a morning peak (早高峰): detail pages, lists, the JSON list, the home page,
--           static assets and reports, in the proportions of the table below
--
-- done() prints one line bench/run parses: requests/s, median and p99 latency, errors
-- (socket errors, timeouts, and answers of 400 or more, which wrk counts as errors.status).

local mode = os.getenv("BENCH_MODE") or "get"
local cookie = os.getenv("BENCH_COOKIE")
local bearer = os.getenv("BENCH_BEARER")
local ids, nids, pos = {}, 0, 0
local boundary = "----anquanbench7MA4YWxkTrZu0gW"
local report_body

local function page_headers()
  return { ["Cookie"] = cookie }
end

local function api_headers(extra)
  local h = { ["Authorization"] = "Bearer " .. (bearer or "") }
  for k, v in pairs(extra or {}) do h[k] = v end
  return h
end

local function multipart()
  local f = assert(io.open(os.getenv("BENCH_PHOTO"), "rb"))
  local photo = f:read("*a")
  f:close()
  local parts = {}
  local function field(name, value)
    parts[#parts + 1] = "--" .. boundary .. "\r\nContent-Disposition: form-data; name=\"" .. name ..
      "\"\r\n\r\n" .. value .. "\r\n"
  end
  field("area_id", os.getenv("BENCH_AREA") or "1")
  field("category_id", os.getenv("BENCH_CATEGORY") or "1")
  field("description", "压测：配电柜门未关闭，柜内有积灰")
  parts[#parts + 1] = "--" .. boundary .. "\r\nContent-Disposition: form-data; name=\"photo\";" ..
    " filename=\"p.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n" .. photo .. "\r\n--" .. boundary .. "--\r\n"
  return table.concat(parts)
end

-- per thread: its own copy of the ids and a start offset from its address
function init(args)
  -- each thread is its own Lua state with the same default seed: mix in the state's address
  math.randomseed((os.time() + (tonumber(tostring({}):match("0x(%x+)") or "0", 16) or 0)) % 2147483647)
  local file = os.getenv("BENCH_IDS")
  if file then
    for line in io.lines(file) do
      nids = nids + 1
      ids[nids] = line
    end
  end
  if nids > 0 then pos = math.random(nids) end
  if mode == "report" or mode == "mixed" then report_body = multipart() end
  if mode == "get" then
    local h = wrk.path:sub(1, 5) == "/api/" and api_headers() or page_headers()
    for k, v in pairs(wrk.headers) do if h[k] == nil then h[k] = v end end	-- wrk -H (bench/compare)
    if os.getenv("BENCH_CLOSE") then h["Connection"] = "close" end	-- a connection per request
    wrk.headers = h
  end
end

local function next_id()
  pos = pos % nids + 1
  return ids[pos]
end

local function report()
  return wrk.format("POST", "/api/v1/hazards",
    api_headers({ ["Content-Type"] = "multipart/form-data; boundary=" .. boundary }), report_body)
end

-- the morning peak, in percent: people open what they were told about, look at lists,
-- phones pull their JSON list, and some report what they found on the first round
local mix = {
  { 35, function() return wrk.format("GET", "/hazards/" .. next_id(), page_headers()) end },
  { 10, function() return wrk.format("GET", "/hazards?mine=1&status=open", page_headers()) end },
  { 10, function() return wrk.format("GET", "/hazards", page_headers()) end },
  { 10, function() return wrk.format("GET", "/api/v1/hazards?mine=1", api_headers()) end },
  { 15, function() return wrk.format("GET", "/", page_headers()) end },
  { 10, function() return wrk.format("GET", "/static/app.css", {}) end },
  { 10, report },
}

function request()
  if mode == "detail" then
    return wrk.format("GET", (os.getenv("BENCH_PREFIX") or "/hazards/") .. next_id(),
      (os.getenv("BENCH_PREFIX") or ""):sub(1, 5) == "/api/" and api_headers() or page_headers())
  elseif mode == "report" then
    return report()
  elseif mode == "mixed" then
    local r = math.random(100)
    for _, m in ipairs(mix) do
      if r <= m[1] then return m[2]() end
      r = r - m[1]
    end
    return mix[1][2]()
  end
  return wrk.request()
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT rps=%.2f p50=%.2f p99=%.2f errors=%d requests=%d bytes=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, e.connect + e.read + e.write + e.status + e.timeout,
    summary.requests, summary.bytes))
end
