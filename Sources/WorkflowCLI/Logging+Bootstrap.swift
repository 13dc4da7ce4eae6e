// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import Logging
import Workers

func checkLogging(format: String, level: String) throws {
    guard ["text", "json"].contains(format) else { throw ValidationError("--log-format must be text or json") }
    guard Logger.Level(rawValue: level) != nil else {
        throw ValidationError("--log-level must be one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))")
    }
}

/// The one place the program picks its log handler: plain lines, or one JSON object per line.
func bootstrapLogging(format: String, level: String) {
    let level = Logger.Level(rawValue: level) ?? .info
    LoggingSystem.bootstrap { label in
        if format == "json" { return JSONLogHandler(label: label, level: level) }
        var handler = StreamLogHandler.standardError(label: label)
        handler.logLevel = level
        return handler
    }
}
