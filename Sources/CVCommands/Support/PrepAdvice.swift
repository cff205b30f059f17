import ImagePrep

/// What the CLI tells a user whose image preparation refused a format (WEBP, TIFF): the decoder's reason followed by
/// what to do about it.
enum PrepAdvice {
    /// `error` with advice appended to its message when it is ImagePrep's `unsupportedFormat`; any other error as is.
    /// The result is still an `ImagePrepError` (exit 65).
    static func advising(_ error: any Error) -> any Error {
        guard var prep = error as? ImagePrepError, prep.code.isUnsupportedFormat else { return error }
        prep.message += "; " + advice
        return prep
    }

    /// Preparation decodes every format the service takes (JPEG, PNG, GIF, BMP); the others must be converted.
    static let advice = "the service takes JPEG, PNG, GIF and BMP only: convert it to JPEG or PNG"
}
