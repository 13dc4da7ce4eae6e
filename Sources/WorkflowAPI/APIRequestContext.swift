// SPDX-License-Identifier: Apache-2.0
import Hummingbird
import NIOCore

/// A request context that knows its connection, so a long poll can stop when its client goes away.
public protocol ConnectionAwareContext: RequestContext {
    /// The connection the request arrived on.
    var channel: any Channel { get }
}

/// The API's request context.
public struct APIRequestContext: ConnectionAwareContext {
    public var coreContext: CoreRequestContextStorage
    public let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}
