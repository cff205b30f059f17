import Foundation

/// The JSON coders that speak the Custom Vision wire format.
///
/// Dates are ISO 8601 in UTC. The service sends anywhere from zero to seven fractional digits
/// (`2017-12-19T15:56:10Z`, `2019-06-17T17:27:59.8484211Z`) and sometimes an explicit offset; all of them decode.
/// Dates are encoded with millisecond precision (`2017-12-19T15:56:10.000Z`), which every Azure SDK accepts.
public enum CustomVisionJSON {
    /// A decoder for service responses and request bodies.
    public static func makeDecoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = ISO8601Timestamp.parse(text) else {
                throw DecodingError.dataCorruptedError(
                    in: container,
                    debugDescription: "Expected an ISO 8601 date-time, found \"\(text.prefix(64))\""
                )
            }
            return date
        }
        return decoder
    }

    /// An encoder producing the service's wire format: camelCase keys as declared, ISO 8601 dates, base64 bytes.
    /// - Parameter pretty: pretty-print with sorted keys (for humans and for stable test output).
    public static func makeEncoder(pretty: Bool = false) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(ISO8601Timestamp.format(date))
        }
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.withoutEscapingSlashes]
        return encoder
    }
}
