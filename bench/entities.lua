-- wrk script: POST /v1/entities with one typical news sentence (41 characters, 4 entities).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"text": "张伟昨天在北京会见了来自联合国教科文组织的代表团，双方就上海合作进行了讨论。"}'

-- Count non-200 answers: a load test that silently measures 503s measures nothing.
local errors = 0
response = function(status, headers, body)
    if status ~= 200 then errors = errors + 1 end
end
