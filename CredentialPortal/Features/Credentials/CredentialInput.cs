namespace CredentialPortal.Features.Credentials;

/// <summary>
/// What the credential form binds. <see cref="ClientId"/> is the first value (Value, Client ID, Username, Key ID)
/// and <see cref="Secret"/> the write-only one (Secret, Token, Password), as <see cref="CredentialTypeNames"/>
/// labels them per type. On edit, an empty ClientId or Secret keeps the stored one.
/// </summary>
public sealed class CredentialInput
{
    public string Name { get; set; } = "";
    public CredentialType? Type { get; set; }
    public string FieldName { get; set; } = "";
    public CredentialLocation Location { get; set; } = CredentialLocation.Header;
    public string? ClientId { get; set; }
    public string? Secret { get; set; }

    /// <summary>HMAC Signature only.</summary>
    public HmacFormat? Format { get; set; } = HmacFormat.TimestampSignatureKey;

    /// <summary>The version the editor loaded; a save against a newer one is refused.</summary>
    public int Version { get; set; }
}

/// <summary>A stored credential as the edit form sees it: no secret, only whether one is set and a short hint.</summary>
public sealed record CredentialForEdit(
    int Id,
    string Name,
    CredentialType Type,
    string FieldName,
    CredentialLocation Location,
    HmacFormat? Format,
    string? ClientIdHint,
    string? SecretHint,
    bool HasSecret,
    DateTime LastModifiedUtc,
    int Version)
{
    public CredentialInput ToInput() => new()
    {
        Name = Name,
        Type = Type,
        FieldName = FieldName,
        Location = Location,
        Format = Format,
        Version = Version,
    };
}

public sealed record CredentialRow(int Id, string Name, CredentialType Type, DateTime LastModifiedUtc);

public sealed record CredentialPage(IReadOnlyList<CredentialRow> Items, int TotalCount);

public enum CredentialSort
{
    LastModified,
    Name,
    Type,
}

public sealed record CredentialListQuery(
    string? Search = null,
    CredentialSort SortBy = CredentialSort.LastModified,
    bool Descending = true,
    int Page = 0,
    int PageSize = 25);

/// <summary>An alert (or anything else) that points at a credential; shown before deletion.</summary>
public sealed record CredentialReference(string Description, string Href);
