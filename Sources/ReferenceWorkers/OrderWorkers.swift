// SPDX-License-Identifier: Apache-2.0
import Foundation
import Workers
import Workflow

/// The order process of `processes/order-fulfilment.bpmn`: validation, a fraud check for large orders, payment
/// (declined: the BPMN error `PAYMENT_DECLINED`, caught by the model's boundary event), then inventory and invoice
/// in parallel, then shipping. Payment declines an order above the customer's `creditLimit` (default 5,000) or
/// paid with a card on the deny list; inventory fails (a failure, retried) when an item is out of stock.
public struct OrderWorkers: Sendable {
    public let defaultCreditLimit: Double
    /// Cards the payment provider declines (test cards ending in these digits).
    public let declinedCardSuffixes: [String]
    /// Stock per item; an item not listed is always available.
    public let stock: [String: Int]

    public init(defaultCreditLimit: Double = 5_000, declinedCardSuffixes: [String] = ["0002", "9995"],
                stock: [String: Int] = ["out-of-stock": 0]) {
        self.defaultCreditLimit = defaultCreditLimit
        self.declinedCardSuffixes = declinedCardSuffixes
        self.stock = stock
    }

    struct Order: Decodable {
        let orderId: String
        let amount: Double
        let items: [String]?
        let card: String?
        let creditLimit: Double?
        let declineReason: String?
    }

    public var subscriptions: [TopicSubscription] {
        [
            .typed(topic: "order.validate", pool: .generalPurpose) { (order: Order, _) -> [String: Bool] in
                guard order.amount > 0, order.amount.isFinite else {
                    throw OrderFailure(description: "order \(order.orderId): amount \(order.amount) is not positive")
                }
                return ["validated": true]
            },
            .typed(topic: "order.fraud-check", pool: .cpuIntensive) { (order: Order, _) -> [String: Int] in
                // A deterministic score from the order's features; above 90 it would go to manual review.
                ["fraudScore": Int(ETLSteps.fnv1a("\(order.orderId)|\(order.amount)").utf8.reduce(0) { ($0 + Int($1)) % 97 })]
            },
            .typed(topic: "order.payment", pool: .networkIntensive) { [self] (order: Order, task) -> [String: String] in
                let limit = order.creditLimit ?? defaultCreditLimit
                if order.amount > limit {
                    throw BPMNError(code: "PAYMENT_DECLINED", message: "amount \(order.amount) exceeds the credit limit \(limit)")
                }
                if let card = order.card, declinedCardSuffixes.contains(where: card.hasSuffix) {
                    throw BPMNError(code: "PAYMENT_DECLINED", message: "card ending \(card.suffix(4)) declined")
                }
                return ["paymentId": "pay-\(task.processInstanceID)"]
            },
            .typed(topic: "order.notify-declined", pool: .networkIntensive) { (order: Order, _) -> [String: String] in
                ["customerNotified": "order \(order.orderId) declined: \(order.declineReason ?? "payment declined")"]
            },
            .typed(topic: "order.inventory", pool: .ioIntensive) { [self] (order: Order, task) -> [String: String] in
                if let missing = (order.items ?? []).first(where: { (stock[$0] ?? 1) <= 0 }) {
                    throw OrderFailure(description: "order \(order.orderId): item \(missing) is out of stock")
                }
                return ["reservationId": "res-\(task.processInstanceID)"]
            },
            .typed(topic: "order.invoice", pool: .ioIntensive) { (order: Order, _) -> [String: String] in
                ["invoiceNumber": "INV-\(order.orderId)"]
            },
            .typed(topic: "order.ship", pool: .networkIntensive) { (order: Order, _) -> [String: String] in
                ["trackingNumber": "TRK-\(ETLSteps.fnv1a(order.orderId).uppercased())"]
            },
        ]
    }
}

struct OrderFailure: Error, CustomStringConvertible {
    let description: String
}
