/// The `taggingStatus` filter of image listings, as an open set.
public struct TaggingStatus: RawRepresentable, Hashable, Sendable, ExpressibleByStringLiteral {
    /// The wire value.
    public var rawValue: String
    /// Wraps a wire value.
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }

    /// `All`
    public static let all = Self(rawValue: "All")
    /// `Tagged`
    public static let tagged = Self(rawValue: "Tagged")
    /// `Untagged`
    public static let untagged = Self(rawValue: "Untagged")
}
