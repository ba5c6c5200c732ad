namespace CredentialPortal.Features.Credentials;

public sealed partial class CredentialService
{
    /// <summary>
    /// The decrypted credential for an outgoing request, from a row the caller already read (the delivery path loads
    /// the alert and its credential in one query). Same result as <see cref="ResolveAsync"/>.
    /// </summary>
    internal ResolvedCredential Resolve(Credential credential) => new(
        credential.Type,
        credential.FieldName,
        credential.Location,
        Unprotect(credential.ProtectedClientId) ?? "",
        Unprotect(credential.ProtectedSecret),
        credential.Format ?? HmacFormat.TimestampSignatureKey,
        credential.Id,
        credential.Version,
        StoredOAuth(credential));
}
