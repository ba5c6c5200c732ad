namespace CredentialPortal.Features.Credentials;

public enum CredentialType
{
    ClientId = 1,
    ClientIdAndSecret = 2,
}

public enum CredentialLocation
{
    Header = 1,
    QueryParam = 2,
}

/// <summary>A webhook credential. The client id and secret are only ever held here encrypted (Data Protection).</summary>
public class Credential
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public CredentialType Type { get; set; }
    public required string FieldName { get; set; }
    public CredentialLocation Location { get; set; }
    public required string ProtectedClientId { get; set; }
    public string? ProtectedSecret { get; set; }
    public DateTime CreatedUtc { get; set; }
    public DateTime LastModifiedUtc { get; set; }

    /// <summary>Optimistic concurrency token: bumped on every save.</summary>
    public int Version { get; set; }
}

public static class CredentialTypeNames
{
    public static string DisplayName(this CredentialType type) => type switch
    {
        CredentialType.ClientId => "Client ID",
        CredentialType.ClientIdAndSecret => "Client ID and Secret",
        _ => type.ToString(),
    };

    public static string DisplayName(this CredentialLocation location) => location switch
    {
        CredentialLocation.Header => "Header",
        CredentialLocation.QueryParam => "Query Param",
        _ => location.ToString(),
    };
}
