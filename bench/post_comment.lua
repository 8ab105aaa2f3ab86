-- wrk script: post comments as a logged-in citizen. The session cookie and the CSRF
-- token come from the environment (bench/scale.py logs in first and passes them).
local cookie = os.getenv("FORUM_BENCH_COOKIE")
local token = os.getenv("FORUM_BENCH_CSRF")
local path = os.getenv("FORUM_BENCH_PATH")
local counter = 0

request = function()
  counter = counter + 1
  local body = "csrf_token=" .. token .. "&language=en&alignment=&body=" ..
      "Load+test+comment+number+" .. counter .. "+from+" .. tostring(math.random(1e9))
  return wrk.format("POST", path, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = cookie,
  }, body)
end
