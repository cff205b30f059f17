extension RawRepresentable where RawValue == String {
    /// The one of `values` whose raw value is `text` ignoring case, as the service binds its enums (ASP.NET model
    /// binding: `advanced` is `Advanced`); nil when none is.
    static func matching(_ text: some StringProtocol, in values: [Self]) -> Self? {
        values.first { $0.rawValue.lowercased() == text.lowercased() }
    }
}
