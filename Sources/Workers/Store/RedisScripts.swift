// SPDX-License-Identifier: Apache-2.0

/// The Lua scripts of the Redis store. Each runs inside one partition: every key it touches starts with the
/// partition's prefix `wf:{pNN}:` (ARGV[1]), so all of them hash to one Cluster slot; KEYS[1] is the partition's
/// instance hash and routes the call. Field separator inside values: ASCII 31 (unit separator).
enum RedisScripts {
    /// A script of the partition: `base`, the helpers it calls, its body. Only the helpers it calls: the chunk runs on
    /// every call, and each `local function` is a closure made anew (2.4 µs a call for all of them).
    private static func script(_ parts: String...) -> RedisScript {
        RedisScript(([base] + parts).joined(separator: "\n"))
    }

    /// Every script's start: the partition prefix, the field separator, and `split` for a queue entry.
    private static let base = """
    local p = ARGV[1]
    local US = '\\31'
    local find, sub = string.find, string.sub
    local function split(s)
      local out, n, start = {}, 0, 1
      while true do
        local i = find(s, US, start, true)
        n = n + 1
        if not i then out[n] = sub(s, start); return out end
        out[n] = sub(s, start, i - 1); start = i + 1
      end
    end
    """

    /// Moves due delayed tasks (leases run out, back-offs ended) to their queues.
    private static let promoting = """
    local function promote(now)
      local due = redis.call('ZRANGEBYSCORE', p .. 'delayed', '-inf', now, 'LIMIT', 0, 1000)
      for _, id in ipairs(due) do
        local info = redis.call('HGET', p .. 'task', 'q:' .. id)
        if info then
          local f = split(info)
          redis.call('ZADD', p .. 'ready:' .. f[1], f[2], f[3])
          if f[6] then
            redis.call('ZADD', p .. 'pq:' .. f[6], 0, id)
            redis.call('ZREM', p .. 'pl:' .. f[6], id)
          end
        end
        redis.call('ZREM', p .. 'delayed', id)
      end
    end
    """

    /// Dropping tasks and closing incidents (the writes of `apply`).
    private static let dropping = """
    -- Instances whose incident index this script found empty (a step that ends an instance asks twice); an
    -- incident filed by this script ('H' on iinc:) forgets them.
    local noIncidents = {}
    local function closeIncidents(inst, mode, value, state, time)
      if noIncidents[inst] then return end
      local all = redis.call('HGETALL', p .. 'iinc:' .. inst)
      if #all == 0 then noIncidents[inst] = true end
      for i = 1, #all, 2 do
        local f = split(all[i + 1])
        if mode == 'a' or (mode == 'e' and f[1] == value) or (mode == 'c' and f[2] == value) then
          local json = redis.call('HGET', p .. 'inc', all[i])
          if json then redis.call('RPUSH', p .. 'inchist', state .. US .. time .. US .. json) end
          redis.call('HDEL', p .. 'inc', all[i])
          redis.call('HDEL', p .. 'iinc:' .. inst, all[i])
        end
      end
    end
    local released = {}
    local function unqueue(id, info)
      if info == nil then info = redis.call('HGET', p .. 'task', 'q:' .. id) end
      if info then
        local f = split(info)
        redis.call('ZREM', p .. 'ready:' .. f[1], f[3])
        if f[6] then redis.call('ZREM', p .. 'pq:' .. f[6], id) end
      end
      redis.call('ZREM', p .. 'delayed', id)
    end
    -- The task's record, its instance's index entry and its incident, once it is out of every queue.
    local function forget(inst, id, state, time)
      redis.call('HDEL', p .. 'task', id, 'v:' .. id, 'l:' .. id, 'q:' .. id)
      redis.call('SREM', p .. 'itasks:' .. inst, id)
      closeIncidents(inst, 'c', id, state, time)
    end
    local function dropTask(inst, id, state, time)
      local info = redis.call('HGET', p .. 'task', 'q:' .. id)
      local leased = false
      if info then
        local f = split(info)
        if f[4] and f[4] ~= '' then table.insert(released, f[4] .. US .. id) end
        if f[6] then leased = redis.call('ZREM', p .. 'pl:' .. f[6], id) == 1 end
      end
      -- A leased task is in no queue: lock() took it out, and promote() puts it back only as it ends the lease.
      if leased then redis.call('ZREM', p .. 'delayed', id) else unqueue(id, info) end
      forget(inst, id, state, time)
    end
    -- A task whose version this script checked, with its worker pool and slot pool as the caller read them: a
    -- leased one (what a worker settles) needs no queue entry; one whose lease ran out goes the long way.
    local function dropSettled(inst, id, state, time, pool, slotPool)
      if redis.call('ZREM', p .. 'pl:' .. pool, id) == 0 then return dropTask(inst, id, state, time) end
      if slotPool ~= '' then table.insert(released, slotPool .. US .. id) end
      redis.call('ZREM', p .. 'delayed', id)
      forget(inst, id, state, time)
    end
    """

    /// Locking a ready task.
    private static let locking = """
    -- Instance records read by lock() in this script, by id (tasks of one instance share one read).
    local instances = {}
    -- f: the task's queue entry (task field q:<id>), split, as the caller read it. Returns the task's id, new
    -- version and record, and its instance's record as of the lock ('' for an entry without its instance id);
    -- nothing when the task is not ready (taken meanwhile).
    local function lock(topic, member, worker, expiry, score, f)
      if redis.call('ZREM', p .. 'ready:' .. topic, member) == 0 then return nil end
      local id = string.sub(member, 17)
      if f[6] then
        redis.call('ZREM', p .. 'pq:' .. f[6], id)
        redis.call('ZADD', p .. 'pl:' .. f[6], score, id)
      end
      local got = redis.call('HMGET', p .. 'task', 'v:' .. id, id)
      local version = (tonumber(got[1]) or 0) + 1
      redis.call('HSET', p .. 'task', 'v:' .. id, version, 'l:' .. id, expiry .. US .. worker)
      redis.call('ZADD', p .. 'delayed', score, id)
      local instance = ''
      if f[7] then
        instance = instances[f[7]]
        if not instance then
          instance = redis.call('HGET', p .. 'inst', f[7]) or ''
          instances[f[7]] = instance
        end
      end
      return {id, version, got[2], instance}
    end
    """

    /// Checks versions, then applies a list of writes, all or nothing. ARGV: prefix, check count, checks as
    /// (hash, field, expected value or '' for absent), then operations (see `RedisOperations`). Returns
    /// `pool␟task` for every removed task of a slot pool, whose slots the caller gives back.
    static let apply = script(dropping, """
    local n = tonumber(ARGV[2])
    local i = 3
    for _ = 1, n do
      local value = redis.call('HGET', p .. ARGV[i], ARGV[i + 1]) or ''
      if value ~= ARGV[i + 2] then return redis.error_reply('CONFLICT ' .. ARGV[i + 1]) end
      i = i + 3
    end
    while i <= #ARGV do
      local op = ARGV[i]
      if op == 'H' then
        redis.call('HSET', p .. ARGV[i + 1], ARGV[i + 2], ARGV[i + 3])
        if string.sub(ARGV[i + 1], 1, 5) == 'iinc:' then noIncidents = {} end
        i = i + 4
      elseif op == 'M' then
        local n = tonumber(ARGV[i + 2])
        redis.call('HSET', p .. ARGV[i + 1], unpack(ARGV, i + 3, i + 2 + 2 * n))
        if string.sub(ARGV[i + 1], 1, 5) == 'iinc:' then noIncidents = {} end
        i = i + 3 + 2 * n
      elseif op == 'D' then redis.call('HDEL', p .. ARGV[i + 1], ARGV[i + 2]); i = i + 3
      elseif op == 'W' then
        local n = tonumber(ARGV[i + 2])
        redis.call('HDEL', p .. ARGV[i + 1], unpack(ARGV, i + 3, i + 2 + n))
        i = i + 3 + n
      elseif op == 'Z' then redis.call('ZADD', p .. ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]); i = i + 4
      elseif op == 'R' then redis.call('ZREM', p .. ARGV[i + 1], ARGV[i + 2]); i = i + 3
      elseif op == 'S' then redis.call('SADD', p .. ARGV[i + 1], ARGV[i + 2]); i = i + 3
      elseif op == 'X' then redis.call('SREM', p .. ARGV[i + 1], ARGV[i + 2]); i = i + 3
      elseif op == 'L' then redis.call('RPUSH', p .. ARGV[i + 1], ARGV[i + 2]); i = i + 3
      elseif op == 'N' then
        local n = tonumber(ARGV[i + 2])
        redis.call('RPUSH', p .. ARGV[i + 1], unpack(ARGV, i + 3, i + 2 + n))
        i = i + 3 + n
      elseif op == 'K' then redis.call('DEL', p .. ARGV[i + 1]); i = i + 2
      elseif op == 'Q' then unqueue(ARGV[i + 1]); i = i + 2
      elseif op == 'T' then dropTask(ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4]); i = i + 5
      elseif op == 'V' then
        dropSettled(ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4], ARGV[i + 5], ARGV[i + 6]); i = i + 7
      elseif op == 'I' then closeIncidents(ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4], ARGV[i + 5]); i = i + 6
      elseif op == 'A' then
        -- Each dropTask removes its id from the set, so the emptied set is gone with the last one.
        for _, id in ipairs(redis.call('SMEMBERS', p .. 'itasks:' .. ARGV[i + 1])) do
          dropTask(ARGV[i + 1], id, 'deleted', ARGV[i + 2])
        end
        i = i + 3
      elseif op == 'U' then
        local ids = redis.call('SMEMBERS', p .. 'iutasks:' .. ARGV[i + 1])
        for _, id in ipairs(ids) do redis.call('HDEL', p .. 'utask', id) end
        if #ids > 0 then redis.call('DEL', p .. 'iutasks:' .. ARGV[i + 1]) end
        i = i + 2
      elseif op == 'B' then redis.call('PUBLISH', ARGV[i + 1], ARGV[i + 2]); i = i + 3
      elseif op == 'P' then
        local needle = '"processInstanceID":"' .. ARGV[i + 1] .. '"'
        for _, entry in ipairs(redis.call('LRANGE', p .. 'inchist', 0, -1)) do
          if string.find(entry, needle, 1, true) then redis.call('LREM', p .. 'inchist', 0, entry) end
        end
        i = i + 2
      elseif op == 'E' then
        local inst = ARGV[i + 1]
        for _, m in ipairs(redis.call('SMEMBERS', p .. 'itimers:' .. inst)) do redis.call('ZREM', p .. 'timers', m) end
        for _, m in ipairs(redis.call('SMEMBERS', p .. 'imsg:' .. inst)) do
          local f = split(m)
          redis.call('HDEL', p .. 'msg:' .. f[1], f[2])
        end
        redis.call('DEL', p .. 'itimers:' .. inst, p .. 'imsg:' .. inst); i = i + 2
      else return redis.error_reply('unknown operation ' .. op) end
    end
    return released
    """)

    /// Promotes due tasks, then locks up to max of the oldest highest-priority tasks of the topics that belong to
    /// no slot pool. ARGV: prefix, now, worker, max, topic count, then (topic, expiry, expiry score) per topic.
    /// Returns {(id, version, task JSON, instance JSON) per locked task, (topic, member, pool, slots, expiry, score)
    /// per task of a slot pool met on the way}: those are locked by the caller once it holds their slots.
    static let fetch = script(promoting, locking, """
    promote(ARGV[2])
    local max = tonumber(ARGV[4])
    local candidates = {}
    local i = 6
    for _ = 1, tonumber(ARGV[5]) do
      local topic = ARGV[i]
      -- Page on past tasks of slot pools (the caller leases those itself), so they never hide other ready tasks.
      local plain, offset = 0, 0
      while plain < max and offset < 1000 do
        local found = redis.call('ZRANGE', p .. 'ready:' .. topic, offset, offset + max - 1, 'WITHSCORES')
        if #found == 0 then break end
        for j = 1, #found, 2 do
          local f = split(redis.call('HGET', p .. 'task', 'q:' .. string.sub(found[j], 17)) or '')
          local pool = (f[4] and f[4] ~= '') and f[4] or nil
          if not pool then plain = plain + 1 end
          table.insert(candidates, {topic, found[j], tonumber(found[j + 1]), ARGV[i + 1], ARGV[i + 2], pool, f[5], f})
        end
        offset = offset + max
      end
      i = i + 3
    end
    table.sort(candidates, function(a, b)
      if a[3] ~= b[3] then return a[3] < b[3] end
      return a[2] < b[2]
    end)
    local out, pooled, taken, offered = {}, {}, 0, 0
    for k = 1, #candidates do
      if taken >= max then break end
      local c = candidates[k]
      if c[6] then
        if offered < max then
          for _, v in ipairs({c[1], c[2], c[6], c[7], c[4], c[5]}) do table.insert(pooled, v) end
          offered = offered + 1
        end
      else
        -- A pick that is not ready any more (one this script locked already, its topic named twice) takes no place.
        local locked = lock(c[1], c[2], ARGV[3], c[4], c[5], c[8])
        if locked then
          for _, v in ipairs(locked) do table.insert(out, v) end
          taken = taken + 1
        end
      end
    end
    return {out, pooled}
    """)

    /// Promotes due tasks, then lists up to `limit` ready tasks per topic without locking them.
    /// ARGV: prefix, now, limit, topic count, topics. Returns (topic, member, score, version, lock, JSON) each.
    static let peek = script(promoting, """
    promote(ARGV[2])
    local out = {}
    for i = 5, 4 + tonumber(ARGV[4]) do
      local found = redis.call('ZRANGE', p .. 'ready:' .. ARGV[i], 0, tonumber(ARGV[3]) - 1, 'WITHSCORES')
      for j = 1, #found, 2 do
        local id = string.sub(found[j], 17)
        table.insert(out, ARGV[i]); table.insert(out, found[j]); table.insert(out, found[j + 1])
        local got = redis.call('HMGET', p .. 'task', 'v:' .. id, 'l:' .. id, id)
        table.insert(out, got[1] or '0'); table.insert(out, got[2] or ''); table.insert(out, got[3] or '')
      end
    end
    return out
    """)

    /// What a fetch needs to choose among the first `limit` ready tasks of each topic when it filters on nothing in
    /// the task's record: queue position and pools from `tq`, not the record itself (decoding every candidate of
    /// every partition cost more than the fetch). ARGV: prefix, now, limit, topic count, topics.
    /// Returns (topic, member, score, slot pool, slots, worker pool) per task.
    static let peekQueue = script(promoting, """
    promote(ARGV[2])
    local out = {}
    for i = 5, 4 + tonumber(ARGV[4]) do
      local found = redis.call('ZRANGE', p .. 'ready:' .. ARGV[i], 0, tonumber(ARGV[3]) - 1, 'WITHSCORES')
      for j = 1, #found, 2 do
        local f = split(redis.call('HGET', p .. 'task', 'q:' .. string.sub(found[j], 17)) or '')
        table.insert(out, ARGV[i]); table.insert(out, found[j]); table.insert(out, found[j + 1])
        table.insert(out, f[4] or ''); table.insert(out, f[5] or '1'); table.insert(out, f[6] or '')
      end
    end
    return out
    """)

    /// Locks chosen tasks that are still ready. ARGV: prefix, worker, count, worker pool ('' for any), whether the
    /// caller holds the picks' slots ('1') or not ('0'), then (topic, member, expiry, score) per pick.
    /// Returns {(id, version, task JSON, instance JSON) per locked task, (topic, member, pool, slots, expiry, score)
    /// per pick of a slot pool whose slots the caller does not hold yet, ids of picks of another worker pool}.
    static let lockChosen = script(locking, """
    local out, pooled, other = {}, {}, {}
    local wanted, held = ARGV[4], ARGV[5] == '1'
    local i = 6
    for _ = 1, tonumber(ARGV[3]) do
      local topic, member = ARGV[i], ARGV[i + 1]
      local f = split(redis.call('HGET', p .. 'task', 'q:' .. sub(member, 17)) or '')
      -- Picks that are not ready any more are left out (a plain pick finds that out as it locks).
      if wanted ~= '' and f[6] ~= wanted then
        if redis.call('ZSCORE', p .. 'ready:' .. topic, member) then table.insert(other, sub(member, 17)) end
      elseif not held and f[4] and f[4] ~= '' then
        if redis.call('ZSCORE', p .. 'ready:' .. topic, member) then
          for _, v in ipairs({topic, member, f[4], f[5] or '1', ARGV[i + 2], ARGV[i + 3]}) do table.insert(pooled, v) end
        end
      else
        for _, v in ipairs(lock(topic, member, ARGV[2], ARGV[i + 2], ARGV[i + 3], f) or {}) do table.insert(out, v) end
      end
      i = i + 4
    end
    return {out, pooled, other}
    """)

    /// Moves the partition's due delayed tasks (leases run out, back-offs ended) to their queues. ARGV: prefix, now.
    static let promote = script(promoting, """
    promote(ARGV[2])
    return 1
    """)

    /// Per worker pool, the tasks whose back-off ended but that no fetch has moved to their queue yet (a lease that
    /// ran out is counted from the pool's lease set instead). ARGV: prefix, now. Returns `pool, count` pairs.
    static let dueBackoffs = script("""
    local counts, out = {}, {}
    for _, id in ipairs(redis.call('ZRANGEBYSCORE', p .. 'delayed', '-inf', ARGV[2], 'LIMIT', 0, 10000)) do
      local f = split(redis.call('HGET', p .. 'task', 'q:' .. id) or '')
      if f[6] and not redis.call('ZSCORE', p .. 'pl:' .. f[6], id) then counts[f[6]] = (counts[f[6]] or 0) + 1 end
    end
    for pool, count in pairs(counts) do table.insert(out, pool); table.insert(out, count) end
    return out
    """)

    /// A task's record, version and lock overlay, and its instance, in one round trip (what settling a task needs).
    /// ARGV: prefix, task id. The instance id is read from the task's JSON (a plain string field).
    static let readTaskWithInstance = RedisScript("""
    local p = ARGV[1]
    local id = ARGV[2]
    local got = redis.call('HMGET', p .. 'task', id, 'v:' .. id, 'l:' .. id)
    if not got[1] then return {} end
    local instance = cjson.decode(got[1])['processInstanceID']
    return {got[1], got[2] or '0', got[3] or '', redis.call('HGET', p .. 'inst', instance) or ''}
    """)

    /// Takes a task's slots in its pool if they fit and no unexpired lease of the task holds them already (two
    /// fetches racing for one task: the second is refused, so the loser's give-back cannot free the winner's
    /// slots). KEYS: holders zset, slots hash, size. ARGV: task, slots, lease expiry, now, size if never set.
    /// Holders whose lease expired are dropped first. Returns 1 or 0.
    static let acquireSlots = RedisScript("""
    for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[4])) do
      redis.call('ZREM', KEYS[1], id)
      redis.call('HDEL', KEYS[2], id)
    end
    -- An unexpired holder of this task: another fetch is locking it, or it is leased. Not twice.
    if redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end
    local size = tonumber(redis.call('GET', KEYS[3]) or ARGV[5])
    local used = 0
    local all = redis.call('HGETALL', KEYS[2])
    for i = 2, #all, 2 do used = used + tonumber(all[i]) end
    if used + tonumber(ARGV[2]) > size then return 0 end
    redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
    redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
    return 1
    """)
}
