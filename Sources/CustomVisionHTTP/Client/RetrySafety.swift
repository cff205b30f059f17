/// Whether an operation may be sent again after an ambiguous failure (a 5xx or a connection lost mid-request).
///
/// - Idempotent: every GET, DELETE and PATCH; and these POSTs: CreateImagesFromData/Files/Urls/Predictions
///   (`OKDuplicate`), CreateImageRegions and CreateImageTags (duplicates reported), UpdateImageMetadata (sets
///   values), GetImageRegionProposals, QuerySuggestedImages, QuerySuggestedImageCount, SuggestTagsAndRegions,
///   QueryPredictions (reads), QuickTestImage/QuickTestImageUrl with `store: false`, and the prediction
///   `…WithNoStore` operations.
/// - Unsafe: CreateProject, ImportProject, CreateTag, TrainProject, PublishIteration, ExportIteration,
///   QuickTestImage/QuickTestImageUrl storing their result, and the storing prediction operations.
package enum RetrySafety: Sendable, Hashable {
    /// Repeating it cannot change the outcome: reads, deletes, full updates, and image creation
    /// (the service answers `OKDuplicate` for an image it already has).
    case idempotent
    /// Repeating it could act twice: creating projects or tags, training, publishing, exporting, importing,
    /// predictions that store their result. Retried only on 429/503 or when the connection never opened.
    case unsafe
}
