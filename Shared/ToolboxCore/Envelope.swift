import Foundation
import ToolboxAPI

/// The original toolbox's response envelope, `{"status":"OK","output":"<JSON text>"}`.
///
/// `output` is JSON *text*: clients read it with `jq -r .output | jq`. Building it in one place keeps every
/// route's answer identical in shape.
public enum ResponseEnvelope {
    /// An `OK` envelope whose `output` is the JSON encoding of `value` (keys sorted, so answers are stable).
    public static func ok<Value: Encodable>(_ value: Value) throws -> Components.Schemas.Envelope {
        .init(status: .ok, output: try encodeOutput(value))
    }

    /// An `OK` envelope without `output`, for commands.
    public static var done: Components.Schemas.Envelope { .init(status: .ok) }

    /// Decodes the `output` of an envelope as `Value`.
    /// - Throws: `EnvelopeError.missingOutput` when there is no output, or a decoding error.
    public static func decodeOutput<Value: Decodable>(_ type: Value.Type, from envelope: Components.Schemas.Envelope) throws -> Value {
        guard let output = envelope.output else { throw EnvelopeError.missingOutput }
        return try JSONDecoder.toolbox.decode(Value.self, from: Data(output.utf8))
    }

    /// The JSON text of `value` as it goes into `output`.
    public static func encodeOutput<Value: Encodable>(_ value: Value) throws -> String {
        String(decoding: try JSONEncoder.toolbox.encode(value), as: UTF8.self)
    }
}

/// Errors reading an envelope.
public enum EnvelopeError: Error, Equatable {
    /// The envelope has no `output`.
    case missingOutput
}

extension JSONEncoder {
    /// Encoder used for envelope outputs: sorted keys, ISO 8601 dates, no escaped slashes.
    public static var toolbox: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }
}

extension JSONDecoder {
    /// Decoder matching `JSONEncoder.toolbox`.
    public static var toolbox: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
