import ImagePrep

/// What the CLI tells a user whose image preparation refused a format (GIF, BMP, WEBP, TIFF): the decoder's reason
/// followed by what to do about it.
enum PrepAdvice {
    /// `error` with advice appended to its message when it is ImagePrep's `unsupportedFormat`; any other error as is.
    /// The result is still an `ImagePrepError` (exit 65).
    /// - Parameter noPrep: how to skip preparation in the reporting command, e.g. "upload with --no-prep".
    static func advising(_ error: any Error, noPrep: String) -> any Error {
        guard var prep = error as? ImagePrepError, prep.code.isUnsupportedFormat else { return error }
        prep.message += "; " + advice(format: prep.code.formatName ?? "it", noPrep: noPrep)
        return prep
    }

    /// GIF and BMP go to the service unprepared; WEBP and TIFF, which it does not take, must be converted.
    static func advice(format: String, noPrep: String) -> String {
        ["GIF", "BMP"].contains(format)
            ? "\(noPrep) to send it as it is"
            : "the service takes JPEG, PNG, GIF and BMP only: convert it to JPEG or PNG"
    }
}
