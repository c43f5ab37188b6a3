//! IDE features on top of an `Analysis`: hover, outline, inlay hints, code actions, references.
//! Plain structs and byte spans; the LSP layer converts them.
