// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation
import Logging
import Synchronization
import Workflow

/// A swift-log handler that writes one JSON object per line to standard error: `ts`, `level`, `logger`, `msg`,
/// then the metadata (`taskId`, `processInstanceId`, `topic`, ...) as top-level fields. What log shippers (Loki,
/// Fluent Bit, CloudWatch) parse without configuration. The program bootstraps it:
/// `LoggingSystem.bootstrap { JSONLogHandler(label: $0) }`.
public struct JSONLogHandler: LogHandler {
    public let label: String
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?

    public init(label: String, level: Logger.Level = .info, metadataProvider: Logger.MetadataProvider? = nil) {
        self.label = label
        self.logLevel = level
        self.metadataProvider = metadataProvider
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields: [String: ExpressionValue] = [:]
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { $1 } }
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        for (key, value) in merged { fields[key] = Self.json(value) }
        fields["ts"] = .string(CamundaDate.format(Date()))
        fields["level"] = .string(event.level.rawValue)
        fields["logger"] = .string(label)
        fields["msg"] = .string(event.message.description)
        if let error = event.error { fields["error"] = .string("\(error)") }
        Self.write(ExpressionValue.object(fields).jsonBytes + [UInt8(ascii: "\n")])
    }

    private static func json(_ value: Logger.Metadata.Value) -> ExpressionValue {
        switch value {
        case .string(let text): .string(text)
        case .stringConvertible(let convertible): .string(convertible.description)
        case .array(let values): .array(values.map(json))
        case .dictionary(let values): .object(values.mapValues(json))
        }
    }

    private static let lock = Mutex(())

    /// One `write(2)` per line under a lock, so lines of concurrent tasks never interleave.
    private static func write(_ bytes: [UInt8]) {
        lock.withLock { _ in
            bytes.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let written = Foundation.write(2, buffer.baseAddress! + offset, buffer.count - offset)
                    if written <= 0 { return }
                    offset += written
                }
            }
        }
    }
}
