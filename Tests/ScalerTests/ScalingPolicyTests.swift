// SPDX-License-Identifier: Apache-2.0
import Testing

@testable import Scaler

struct ScalingPolicyTests {
    let policy = ScalingPolicy(tasksPerReplica: 10, minReplicas: 0, maxReplicas: 20, tolerance: 0.1)

    @Test func busyPoolThatKeepsUpIsNotScaledToZero() {
        // Queue empty, but 40 tasks in flight across 4 replicas: exactly at capacity.
        #expect(policy.desiredReplicas(current: 4, load: PoolLoad(queued: 0, inFlight: 40)) == 4)
    }

    @Test func idlePoolScalesToItsMinimum() {
        #expect(policy.desiredReplicas(current: 4, load: PoolLoad(queued: 0, inFlight: 0)) == 0)
        let floor = ScalingPolicy(tasksPerReplica: 10, minReplicas: 1, maxReplicas: 5)
        #expect(floor.desiredReplicas(current: 3, load: PoolLoad(queued: 0, inFlight: 0)) == 1)
    }

    @Test(arguments: [
        (2, 0, 20, 2), (2, 15, 5, 2), (2, 30, 10, 4), (1, 1000, 0, 20), (0, 25, 0, 3), (10, 50, 0, 5),
    ])
    func hpaFormulaWithToleranceAndBounds(current: Int, queued: Int, inFlight: Int, expected: Int) {
        #expect(policy.desiredReplicas(current: current, load: PoolLoad(queued: queued, inFlight: inFlight)) == expected)
    }
}
