namespace CredentialPortal.Features.ApiTokens;

/// <summary>
/// A bearer token for the REST API. Only the SHA-256 of its value is stored; the value itself is shown once, when it is
/// made. Its scope is one hierarchy entity and everything below it (the platform for the whole portal).
/// </summary>
public class ApiToken
{
    public int Id { get; set; }
    public required string Name { get; set; }

    /// <summary>SHA-256 of the token's UTF-8 value: the lookup key (unique index).</summary>
    public required byte[] Hash { get; set; }

    /// <summary>The token's first characters, so that a person can tell tokens apart in the list.</summary>
    public required string Prefix { get; set; }

    public Guid ScopeEntityId { get; set; }
    public DateTime CreatedUtc { get; set; }
    public DateTime? ExpiresUtc { get; set; }
    public DateTime? RevokedUtc { get; set; }
    public DateTime? LastUsedUtc { get; set; }

    /// <summary>Who made it: a user's email, or the seed setting's name.</summary>
    public string? CreatedBy { get; set; }

    /// <summary>What the token may do: a role no higher than its creator's (tokens made before roles existed are Administrator).</summary>
    public string Role { get; set; } = Users.PortalRoles.Administrator;
}

public static class ApiTokenDefaults
{
    /// <summary>The authentication scheme of the REST API.</summary>
    public const string Scheme = "ApiToken";

    /// <summary>The authorization policy of the REST API: a valid token, and nothing else, authenticates.</summary>
    public const string Policy = "ApiToken";

    /// <summary>The claim holding the id of the hierarchy entity the token is scoped to.</summary>
    public const string ScopeClaim = "api_scope";

    /// <summary>The claim holding the token's row id (the rate limiter's partition).</summary>
    public const string TokenIdClaim = "api_token_id";

    /// <summary>What every generated token starts with, so that it is recognisable (secret scanners, logs, a person).</summary>
    public const string ValuePrefix = "cpt_";
}
