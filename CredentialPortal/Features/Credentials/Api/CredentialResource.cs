using System.ComponentModel;
using CredentialPortal.Features.Credentials.OAuth;

namespace CredentialPortal.Features.Credentials.Api;

/// <summary>
/// A stored credential as the API shows it: what the edit form shows, under the request's field names (so that a GET
/// body, changed, can be sent back with PUT). Write-only values never appear, only whether they are set and the hint
/// kept when they were saved ("..." and their last 4 characters, for values long enough to spare them).
/// </summary>
public record CredentialResource
{
    public required Guid CredentialId { get; init; }
    public required string Name { get; init; }

    [Description("client_id, client_id_and_secret, bearer_token, basic_auth, hmac_signature or oauth2.")]
    public required string Type { get; init; }

    [Description("The header (or query parameter) the credential is sent in; null for standard_webhooks, which sends its own headers.")]
    public string? FieldName { get; init; }

    [Description("client_id and client_id_and_secret: header or query_param.")]
    public string? Location { get; init; }

    [Description("hmac_signature: timestamp_signature_key or standard_webhooks.")]
    public string? Format { get; init; }

    [Description("The first value when it is an identifier: the Username (basic_auth), the Key ID (hmac_signature), the Client ID (oauth2).")]
    public string? ClientId { get; init; }

    [Description("A write-only first value (client_id, client_id_and_secret): \"...\" and its last 4 characters, or null.")]
    public string? ClientIdHint { get; init; }

    public bool HasSecret { get; init; }

    [Description("\"...\" and the secret's last 4 characters, or null (short values and passwords keep no hint).")]
    public string? SecretHint { get; init; }

    public string? GrantType { get; init; }
    public string? TokenUrl { get; init; }
    public string? Scopes { get; init; }
    public string? ClientAuthentication { get; init; }
    public string? Username { get; init; }
    public bool? HasPassword { get; init; }
    public string? RefreshTokenUrl { get; init; }
    public string? SigningAlgorithm { get; init; }

    [Description("oauth2 client_credentials_with_jwt: the public half of the signing key (PEM, JWK and key id).")]
    public OAuthPublicKey? PublicKey { get; init; }

    [Description("The last rotation: when, and when the previous secret stops working (null: never rotated, or rolled back).")]
    public CredentialRotation? Rotation { get; init; }

    public required DateTime LastModified { get; init; }

    [Description("Bumped on every save; the ETag header carries it for If-Match.")]
    public required int Version { get; init; }

    public static CredentialResource From(Guid credentialId, CredentialForEdit credential)
    {
        var kind = CredentialTypeDescription.Of(credential.Type);
        var oauth = credential.OAuth;
        return new CredentialResource
        {
            CredentialId = credentialId,
            Name = credential.Name,
            Type = CredentialApiNames.Of(credential.Type),
            FieldName = credential.FieldName.Length == 0 ? null : credential.FieldName,
            Location = kind.HasLocation ? CredentialApiNames.Of(credential.Location) : null,
            Format = credential.Format is { } format ? CredentialApiNames.Of(format) : null,
            ClientId = credential.ClientId,
            ClientIdHint = kind.ClientIdIsSecret ? CredentialHint.ForApi(credential.ClientIdHint) : null,
            HasSecret = credential.HasSecret,
            SecretHint = CredentialHint.ForApi(credential.SecretHint),
            GrantType = oauth is null ? null : CredentialApiNames.Of(oauth.GrantType),
            TokenUrl = oauth?.TokenUrl,
            Scopes = oauth?.Scopes,
            ClientAuthentication = oauth is null ? null : CredentialApiNames.Of(oauth.ClientAuthentication),
            Username = oauth?.Username,
            HasPassword = oauth?.HasPassword,
            RefreshTokenUrl = oauth?.RefreshTokenUrl,
            SigningAlgorithm = oauth is null ? null : CredentialApiNames.Of(oauth.SigningAlgorithm),
            PublicKey = oauth?.PublicKey,
            Rotation = credential.RotatedUtc is { } rotated ? new CredentialRotation(rotated, credential.GraceEndsUtc) : null,
            LastModified = credential.LastModifiedUtc,
            Version = credential.Version,
        };
    }
}

/// <summary>A row of the list: what the tab's table shows.</summary>
public sealed record CredentialListItem(
    Guid CredentialId,
    string Name,
    string Type,
    DateTime LastModified,
    [property: Description("How many alerts chose it plus how many hierarchy levels have it as their own (the tab's Used by).")]
    int UsedBy);

/// <summary>
/// A page of the list. <see cref="TotalIsLowerBound"/>: a search with very many matches (on SQLite one or two characters
/// long, on PostgreSQL any) is not counted to the end (as on the tab); at least <see cref="Total"/> + 1 credentials match then.
/// </summary>
public sealed record CredentialListResponse(
    IReadOnlyList<CredentialListItem> Items,
    int Page,
    int PageSize,
    int Total,
    bool TotalIsLowerBound);
