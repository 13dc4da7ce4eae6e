// SPDX-License-Identifier: Apache-2.0
import BPMN
import Testing
import Workflow

@testable import Scaler

struct ScalerTests {
    let t0 = ContinuousClock.now
    func scaler(window: Duration = .seconds(300)) -> Scaler {
        Scaler(.init(pools: [.ioIntensive: ScalingPolicy(tasksPerReplica: 10, minReplicas: 0, maxReplicas: 20)],
                     stabilizationWindow: window))
    }

    func desired(_ scaler: Scaler, queued: Int, inFlight: Int, current: Int, after seconds: Int) -> Int {
        scaler.recommend(loads: [.ioIntensive: PoolLoad(queued: queued, inFlight: inFlight)], current: [.ioIntensive: current],
                         at: t0 + .seconds(seconds))[0].desiredReplicas
    }

    @Test func scalesUpAtOnce() {
        let scaler = scaler()
        #expect(desired(scaler, queued: 0, inFlight: 0, current: 0, after: 0) == 0)
        #expect(desired(scaler, queued: 95, inFlight: 0, current: 0, after: 15) == 10)
        #expect(desired(scaler, queued: 300, inFlight: 100, current: 10, after: 30) == 20, "capped at maxReplicas")
    }

    @Test func scalesDownOnlyAfterTheWindow() {
        let scaler = scaler(window: .seconds(300))
        #expect(desired(scaler, queued: 60, inFlight: 20, current: 8, after: 0) == 8)
        // The burst is over: the formula says 2, but the window still holds the 8 of a moment ago.
        #expect(desired(scaler, queued: 0, inFlight: 15, current: 8, after: 60) == 8)
        #expect(desired(scaler, queued: 0, inFlight: 15, current: 8, after: 299) == 8)
        // 300 s after the last high recommendation: down to the formula's answer.
        #expect(desired(scaler, queued: 0, inFlight: 15, current: 8, after: 301) == 2)
    }

    @Test func aBusyPoolThatKeepsUpKeepsItsWorkers() {
        // The queue stays empty because 4 replicas keep up with 40 tasks in flight: no scale-down, ever.
        let scaler = scaler(window: .seconds(0))
        for second in stride(from: 0, through: 3600, by: 15) {
            #expect(desired(scaler, queued: 0, inFlight: 40, current: 4, after: second) == 4)
        }
    }

    @Test func anIdlePoolGoesToItsMinimumAndReportsItsUtilisation() {
        let scaler = Scaler(.init(pools: [.cpuIntensive: ScalingPolicy(tasksPerReplica: 2, minReplicas: 1, maxReplicas: 4)],
                                  stabilizationWindow: .zero))
        let idle = scaler.recommend(loads: [:], current: [.cpuIntensive: 3], at: t0)[0]
        #expect(idle.desiredReplicas == 1 && idle.recommendedNow == 1 && idle.utilisation == 0)
        let busy = scaler.recommend(loads: [.cpuIntensive: PoolLoad(queued: 3, inFlight: 6)], current: [.cpuIntensive: 3], at: t0)[0]
        #expect(busy.utilisation == 1.5 && busy.desiredReplicas == 4)
        #expect(scaler.recommend(loads: [.cpuIntensive: PoolLoad(queued: 1, inFlight: 0)], current: [:], at: t0)[0].utilisation == .infinity)
    }
}
