// SPDX-License-Identifier: Apache-2.0
import BPMN
import Logging
import ServiceLifecycle
import Synchronization
import Workflow

/// The fetch loop of one worker pool type: keeps up to `capacity` handlers running, fetching only as many tasks
/// as there are free places, only for topics whose circuit breaker allows it, and drains on graceful shutdown.
final class PoolProcessor: Sendable {
    let pool: WorkerPoolType
    /// Handlers allowed at once: the configured concurrency, moved by adaptive concurrency when configured.
    let capacityNow: Atomic<Int>
    var capacity: Int { capacityNow.load(ordering: .relaxed) }
    let subscriptions: [String: TopicSubscription]
    let runtime: WorkerRuntime
    let breakers: Mutex<[String: CircuitBreaker]>
    let inFlight = Mutex(0)
    /// Signalled whenever a handler finishes (and at the drain deadline): the loop re-checks its capacity.
    let freed: AsyncStream<Void>
    let signal: AsyncStream<Void>.Continuation
    let draining = Atomic(false)
    /// When graceful shutdown began (the grace period runs from it, not from the end of a long poll in flight).
    let shutdownAt = Mutex<ContinuousClock.Instant?>(nil)
    let probeTurn = Atomic(0)
    /// The fetch in flight, cancelled at shutdown when the transport can drop it safely.
    let currentFetch = Mutex<Task<[WorkerTask], any Error>?>(nil)
    /// Extends the running handlers' locks.
    let heartbeat = LockHeartbeat()

    init(pool: WorkerPoolType, capacity: Int, subscriptions: [TopicSubscription], runtime: WorkerRuntime) {
        self.pool = pool
        capacityNow = Atomic(capacity)
        self.subscriptions = Dictionary(subscriptions.map { ($0.topic, $0) }) { first, _ in first }
        self.runtime = runtime
        breakers = Mutex(self.subscriptions.mapValues { _ in CircuitBreaker(runtime.configuration.circuitBreaker) })
        (freed, signal) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    var logger: Logger { runtime.logger }
    /// Free places worth a fetch while handlers are still running.
    var refillBatch: Int { max(1, capacity / 4) }
    var configuration: WorkerConfiguration { runtime.configuration }

    func run() async {
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { background in
                background.addTask {
                    await self.heartbeat.run(transport: self.runtime.transport, workerID: self.configuration.workerID,
                                             logger: self.logger)
                }
                if let adaptive = configuration.adaptive[pool] {
                    background.addTask { await self.adapt(adaptive) }
                }
                // Ends when every task has ended, its report included.
                await withDiscardingTaskGroup { group in
                    var wakeUps = freed.makeAsyncIterator()
                    await fetchLoop(group: &group, wakeUps: &wakeUps)
                    await drain(wakeUps: &wakeUps)
                }
                background.cancelAll()
            }
        } onGracefulShutdown: {
            self.shutdownAt.withLock { $0 = $0 ?? .now }
            self.draining.store(true, ordering: .relaxed)
            self.signal.yield()
            if self.runtime.transport.fetchCanBeCancelled { self.currentFetch.withLock { $0?.cancel() } }
        }
    }

    private var isDraining: Bool { draining.load(ordering: .relaxed) }

    private func fetchLoop(group: inout DiscardingTaskGroup, wakeUps: inout AsyncStream<Void>.Iterator) async {
        var backoff = Duration.milliseconds(250)
        while !isDraining, !Task.isCancelled {
            // Refill in batches: with work in flight, wait until a quarter of the places are free, so that under
            // load one fetch brings many tasks (a fetch per task would double the calls).
            let running = inFlight.withLock { $0 }
            let free = capacity - running
            if free <= 0 || (running > 0 && free < refillBatch) {
                _ = await wakeUps.next()
                continue
            }
            let plan = plan(free: free, now: .now)
            guard plan.probe != nil || plan.main != nil else {
                // Every topic's breaker is open: sleep until the first may probe, or until a handler finishes.
                await sleep(until: plan.retryAt, wakeUps: &wakeUps)
                continue
            }
            do {
                // Each fetch's tasks start as soon as it returns: a probe task must not wait out the main long poll
                // (its lock runs meanwhile), nor be stranded if the main fetch fails.
                var got = 0
                if let probe = plan.probe {
                    let tasks = try await fetchCancellable(probe)
                    got = tasks.count
                    for task in tasks { start(task, group: &group) }
                }
                if var main = plan.main, free > got, !isDraining {
                    main.maxTasks = free - got
                    // A half-open topic found nothing to probe with: look again within a second.
                    if plan.probe != nil, got == 0 { main.asyncResponseTimeout = min(main.asyncResponseTimeout ?? 0, 1_000) }
                    for task in try await fetchCancellable(main) { start(task, group: &group) }
                }
                backoff = .milliseconds(250)
            } catch {
                if isDraining || Task.isCancelled { break }
                logger.warning("fetchAndLock failed; retrying", metadata: [
                    "pool": "\(pool.rawValue)", "error": "\(error)", "retryInMs": "\(backoff.milliseconds)",
                ])
                await sleep(until: .now + backoff, wakeUps: &wakeUps)
                backoff = min(backoff * 2, .seconds(10))
            }
        }
    }

    /// What to fetch now: one task of a half-open topic (the probe), and the closed topics with a long poll that
    /// ends when the next breaker may probe.
    private func plan(free: Int, now: ContinuousClock.Instant)
        -> (probe: WorkerFetch?, main: WorkerFetch?, retryAt: ContinuousClock.Instant)
    {
        var closed: [String] = [], probing: [String] = []
        var nextChange = now + .milliseconds(configuration.longPoll)
        breakers.withLock { breakers in
            for topic in breakers.keys.sorted() {
                switch breakers[topic]!.permission(at: now) {
                case .fetch: closed.append(topic)
                case .probe: probing.append(topic)
                case .wait(let until): nextChange = min(nextChange, until ?? nextChange)
                }
            }
        }
        // Several topics ready to probe: one at a time, in turn, so none waits behind another that has no task.
        let probe = probing.isEmpty ? nil : probing[probeTurn.wrappingAdd(1, ordering: .relaxed).oldValue % probing.count]
        func fetch(_ names: [String], maxTasks: Int, wait: Int64) -> WorkerFetch {
            let topics = names.map { name in
                let subscription = subscriptions[name]!
                return WorkerFetch.Topic(name: name, lockDuration: subscription.lockDuration ?? configuration.lockDuration,
                                         variables: subscription.variables)
            }
            return WorkerFetch(workerID: configuration.workerID, maxTasks: maxTasks, topics: topics,
                               asyncResponseTimeout: wait)
        }
        let wait = max(0, min(configuration.longPoll, (nextChange - now).milliseconds))
        return (probe.map { fetch([$0], maxTasks: 1, wait: closed.isEmpty ? wait : 0) },
                closed.isEmpty ? nil : fetch(closed, maxTasks: free, wait: wait), nextChange)
    }

    private func fetchCancellable(_ fetch: WorkerFetch) async throws -> [WorkerTask] {
        let transport = runtime.transport
        let task = Task { try await transport.fetchAndLock(fetch) }
        currentFetch.withLock { $0 = task }
        defer { currentFetch.withLock { $0 = nil } }
        if isDraining, transport.fetchCanBeCancelled { task.cancel() }
        return try await task.value
    }

    /// Runs the task's handler, unless the pool is draining or the topic's circuit opened meanwhile: then the task
    /// goes back at once.
    private func start(_ task: WorkerTask, group: inout DiscardingTaskGroup) {
        let permitted = breakers.withLock { breakers -> Bool in
            switch breakers[task.topicName]?.permission(at: .now) {
            case .fetch?: return true
            case .probe?:
                breakers[task.topicName]?.probeFetched(gotTask: true)
                return true
            case .wait?, nil: return false
            }
        }
        guard !isDraining, permitted, let subscription = subscriptions[task.topicName] else {
            group.addTask { await self.giveBack(task) }
            return
        }
        inFlight.withLock { $0 += 1 }
        group.addTask {
            await self.execute(task, subscription: subscription)
            self.inFlight.withLock { $0 -= 1 }
            self.signal.yield()
        }
    }

    /// Waits for running handlers until the grace period ends, then cancels them (each unlocks its task).
    private func drain(wakeUps: inout AsyncStream<Void>.Iterator) async {
        let running = inFlight.withLock { $0 }
        guard running > 0 else { return }
        logger.info("draining", metadata: ["pool": "\(pool.rawValue)", "inFlight": "\(running)"])
        let deadline = (shutdownAt.withLock { $0 } ?? .now) + configuration.gracePeriod
        let signal = self.signal
        let timer = Task { try? await Task.sleep(until: deadline); signal.yield() }
        defer { timer.cancel() }
        while inFlight.withLock({ $0 }) > 0, ContinuousClock.now < deadline {
            _ = await wakeUps.next()
        }
        let left = inFlight.withLock { $0 }
        if left > 0 {
            logger.warning("grace period over; unlocking the tasks still running", metadata: [
                "pool": "\(pool.rawValue)", "inFlight": "\(left)",
            ])
            heartbeat.cancelAll()
        }
    }

    /// Resizes the pool every `adaptive.interval` until the drain: up at once, down after the window.
    private func adapt(_ adaptive: AdaptiveConcurrency) async {
        var lower: (since: ContinuousClock.Instant, size: Int)?
        while !isDraining, !Task.isCancelled {
            try? await Task.sleep(for: adaptive.interval)
            guard !isDraining else { return }
            let reading: PoolLoadReading?
            do { reading = try await runtime.transport.poolLoad(pool) } catch {
                logger.debug("pool load unavailable", metadata: ["pool": "\(pool.rawValue)", "error": "\(error)"])
                continue
            }
            guard let reading else { continue }
            let current = capacity
            let target = adaptive.target(current: current, demand: reading.queued + reading.inFlight, workers: reading.workers)
            var next = current
            if target > current {
                next = target
                lower = nil
            } else if target < current {
                // Down to the highest size asked for during the window.
                if let held = lower, ContinuousClock.now - held.since >= adaptive.scaleDownWindow {
                    next = max(target, held.size)
                    lower = nil
                } else {
                    lower = (lower?.since ?? .now, max(lower?.size ?? target, target))
                }
            } else {
                lower = nil
            }
            guard next != current else { continue }
            capacityNow.store(next, ordering: .relaxed)
            signal.yield()
            logger.info("concurrency resized", metadata: [
                "pool": "\(pool.rawValue)", "from": "\(current)", "to": "\(next)", "queued": "\(reading.queued)",
                "inFlight": "\(reading.inFlight)", "workers": "\(reading.workers)",
            ])
        }
    }

    private func sleep(until instant: ContinuousClock.Instant, wakeUps: inout AsyncStream<Void>.Iterator) async {
        let signal = self.signal
        let timer = Task { try? await Task.sleep(until: instant); signal.yield() }
        _ = await wakeUps.next()
        timer.cancel()
    }
}

extension Duration {
    var milliseconds: Int64 { components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000 }
}

extension ExternalTaskTransport {
    public var fetchCanBeCancelled: Bool { false }
}
