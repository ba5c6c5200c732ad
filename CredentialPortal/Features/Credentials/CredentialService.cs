using CredentialPortal.Data;
using CredentialPortal.Features.Audit;
using CredentialPortal.Features.Credentials.OAuth;
using CredentialPortal.Features.Delivery;
using Microsoft.AspNetCore.DataProtection;
using CredentialPortal.Features.Shared;
using CredentialPortal.Features.Users;
using CredentialPortal.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace CredentialPortal.Features.Credentials;

/// <summary>Owns every rule about webhook credentials: listing order, validation, the type lock, encryption and deletion.</summary>
public sealed partial class CredentialService(
    IDbContextFactory<PortalDbContext> dbFactory,
    IDataProtectionProvider dataProtection,
    TimeProvider time,
    IEnumerable<ICredentialReferences> references,
    WebhookDestinationPolicy destinations,
    OAuthTokenCache tokens,
    IMemoryCache cache,
    CacheInvalidation invalidation,
    IHttpClientFactory httpClients,
    ActorAccessor actors,
    AuditTrail audit)
{
    // A field, so that the listing half of this class (CredentialService.Listing.cs) reaches it too.
    private readonly IDbContextFactory<PortalDbContext> dbFactory = dbFactory;

    private readonly IDataProtector protector = dataProtection.CreateProtector("CredentialPortal.Credentials.v1");

    public async Task<CredentialForEdit?> GetForEditAsync(int id, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var credential = await db.Credentials.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (credential is null)
        {
            return null;
        }

        var kind = CredentialTypeDescription.Of(credential.Type);
        var kept = StoredValuesOf(credential);
        return new CredentialForEdit(
            credential.Id,
            credential.Name,
            credential.Type,
            credential.FieldName,
            credential.Location,
            credential.Format,
            credential.ClientIdHint,
            credential.SecretHint,
            credential.ProtectedSecret is not null,
            credential.LastModifiedUtc,
            credential.Version,
            OAuthForEdit(credential))
        {
            PublicId = credential.PublicId,
            // Identifiers are shown; a write-only first value never leaves the service.
            ClientId = kind.ClientIdIsSecret ? null : Unprotect(credential.ProtectedClientId),
            HasClientId = kept.HasClientId,
            SecretIsStandardWebhooksKey = kept.SecretIsStandardWebhooksKey,
            RotatedUtc = credential.RotatedUtc,
            GraceEndsUtc = credential.GraceEndsUtc,
        };
    }

    /// <summary>
    /// <see cref="GetForEditAsync"/> for the reads that scripts repeat (the configuration API's GETs): kept until the
    /// credential changes (<see cref="CacheInvalidation.CredentialChanged"/> evicts it here and on the other instances),
    /// and a minute at most should an eviction be missed. Not for the edit form, whose version must be the stored one.
    /// </summary>
    public async Task<CredentialForEdit?> GetCachedAsync(int id, CancellationToken cancellationToken = default)
    {
        var key = CacheInvalidation.CredentialKey(id);
        var generation = invalidation.CredentialGeneration;
        if (cache.TryGetStamped<CredentialForEdit>(key, generation, out var cached))
        {
            return cached;
        }
        var credential = await GetForEditAsync(id, cancellationToken);
        if (credential is not null)
        {
            cache.SetStamped(key, generation, credential, CachedReadLifetime);
        }
        return credential;
    }

    private static readonly TimeSpan CachedReadLifetime = TimeSpan.FromMinutes(1);

    /// <summary>What an edit may leave empty because it is stored: the rules read this on the form and on save alike.</summary>
    private CredentialRules.StoredValues StoredValuesOf(Credential credential) => new(
        HasClientId: !string.IsNullOrEmpty(credential.ProtectedClientId),
        SecretIsStandardWebhooksKey: credential.Type == CredentialType.HmacSignature
            && CredentialRules.StandardWebhooksKey(Unprotect(credential.ProtectedSecret) ?? "") is not null);

    private OAuthForEdit? OAuthForEdit(Credential credential)
    {
        if (StoredOAuth(credential) is not { } oauth)
        {
            return null;
        }
        return new OAuthForEdit(
            oauth.GrantType,
            oauth.TokenUrl,
            oauth.Scopes,
            oauth.ClientAuthentication,
            oauth.RefreshTokenUrl,
            oauth.SigningAlgorithm,
            oauth.Username,
            credential.PasswordHint,
            oauth.Password is not null,
            // The public half only: the private key never leaves the service.
            oauth.PrivateKeyPem is { } key && OAuthKeys.IsValidPrivateKey(key) ? OAuthKeys.PublicKeyOf(key, oauth.SigningAlgorithm) : null);
    }

    /// <summary>A stored OAuth 2.0 credential's settings, decrypted; null for every other type.</summary>
    private OAuthSettings? StoredOAuth(Credential credential) => credential.Type != CredentialType.OAuth2
        ? null
        : new OAuthSettings
        {
            GrantType = credential.GrantType ?? OAuthGrantType.ClientCredentials,
            TokenUrl = credential.TokenUrl ?? "",
            ClientId = Unprotect(credential.ProtectedClientId) ?? "",
            Scopes = credential.Scopes,
            Secret = Unprotect(credential.ProtectedSecret),
            ClientAuthentication = credential.ClientAuthentication ?? OAuthClientAuthentication.BasicAuthHeader,
            Username = Unprotect(credential.ProtectedUsername),
            Password = Unprotect(credential.ProtectedPassword),
            RefreshTokenUrl = credential.RefreshTokenUrl,
            SigningAlgorithm = credential.SigningAlgorithm ?? OAuthSigningAlgorithm.RS256,
            PrivateKeyPem = Unprotect(credential.ProtectedPrivateKey),
        };

    /// <summary>Stores OAuth settings; the values a grant does not use are dropped rather than kept encrypted.</summary>
    private void StoreOAuth(Credential credential, OAuthSettings oauth)
    {
        var password = oauth.GrantType == OAuthGrantType.PasswordCredentials;
        credential.GrantType = oauth.GrantType;
        credential.TokenUrl = oauth.TokenUrl;
        credential.Scopes = oauth.ScopeParameter;
        credential.ClientAuthentication = oauth.ClientAuthentication;
        credential.RefreshTokenUrl = password ? oauth.RefreshTokenUrl : null;
        credential.SigningAlgorithm = oauth.SigningAlgorithm;
        credential.ProtectedClientId = Reprotect(credential.ProtectedClientId, oauth.ClientId) ?? "";
        credential.ClientIdHint = null; // shown in full
        SetSecret(credential, oauth.UsesSecret ? oauth.Secret : null);
        credential.ProtectedUsername = password ? Reprotect(credential.ProtectedUsername, oauth.Username) : null;
        credential.ProtectedPassword = password ? Reprotect(credential.ProtectedPassword, oauth.Password) : null;
        credential.PasswordHint = null; // a password a person chose: no ending kept (see CredentialTypeDescription.SecretIsPassword)
        credential.ProtectedPrivateKey = oauth.GrantType == OAuthGrantType.ClientCredentialsWithJwt ? Reprotect(credential.ProtectedPrivateKey, oauth.PrivateKeyPem) : null;
    }

    /// <summary>
    /// The token endpoints are outbound calls like webhooks: refused at save when they point at private or loopback
    /// addresses (and again at connect time by the webhook client).
    /// </summary>
    private async Task<Dictionary<string, string[]>?> CheckTokenDestinationsAsync(OAuthSettings oauth, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var refreshUrl = oauth.GrantType == OAuthGrantType.PasswordCredentials ? oauth.RefreshTokenUrl : null;
        foreach (var (field, url) in new[] { (nameof(OAuthSettings.TokenUrl), oauth.TokenUrl), (nameof(OAuthSettings.RefreshTokenUrl), refreshUrl) })
        {
            if (Uri.TryCreate(url, UriKind.Absolute, out var uri) && await destinations.CheckAsync(uri, cancellationToken) is { } refusal)
            {
                errors[field] = [$"{OAuthSettings.Label(field)}: {refusal}"];
            }
        }
        return errors.Count == 0 ? null : errors;
    }

    /// <summary>
    /// The form's Test connection: requests a token now with the settings on the form (stored values filling the
    /// write-only fields left empty), through the webhook client, without caching it.
    /// </summary>
    public async Task<CredentialConnectionTest> TestConnectionAsync(int? id, CredentialInput input, CancellationToken cancellationToken = default)
    {
        actors.Require(PortalRoles.Editor);
        OAuthSettings? stored = null;
        if (id is int existing)
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var credential = await db.Credentials.AsNoTracking().FirstOrDefaultAsync(c => c.Id == existing, cancellationToken);
            stored = credential is null ? null : StoredOAuth(credential);
        }

        var oauth = input.ToOAuthSettings(stored);
        var errors = oauth.Validate(requireSecrets: true);
        if (errors.Count > 0)
        {
            return new CredentialConnectionTest(errors, null);
        }
        if (await CheckTokenDestinationsAsync(oauth, cancellationToken) is { } refused)
        {
            return new CredentialConnectionTest(refused, null);
        }
        var client = new OAuthTokenClient(httpClients.CreateClient(DeliveryRegistration.TokenClientName), time, tokens.Limits);
        return new CredentialConnectionTest(errors, await client.TestConnectionAsync(oauth, cancellationToken));
    }

    private string? Unprotect(string? protectedValue) => string.IsNullOrEmpty(protectedValue) ? null : protector.Unprotect(protectedValue);

    private string? Protect(string? value) => string.IsNullOrEmpty(value) ? null : protector.Protect(value);

    /// <summary>
    /// The stored ciphertext when it already holds <paramref name="value"/>, else a new one: an edit that keeps a value
    /// leaves its column alone, so the audit trail records "Secret changed" only when it did.
    /// </summary>
    private string? Reprotect(string? stored, string? value) =>
        !string.IsNullOrEmpty(stored) && Unprotect(stored) == value ? stored : Protect(value);

    /// <summary>Stores the secret encrypted, with its hint (null clears both).</summary>
    private void SetSecret(Credential credential, string? secret)
    {
        credential.ProtectedSecret = Reprotect(credential.ProtectedSecret, secret);
        credential.SecretHint = CredentialTypeDescription.Of(credential.Type).SecretIsPassword ? null : CredentialHint.Of(secret);
    }

    /// <summary>Stores the first value encrypted; a write-only one gets a hint, an identifier (shown in full) none.</summary>
    private void SetClientId(Credential credential, string? clientId)
    {
        credential.ProtectedClientId = Reprotect(credential.ProtectedClientId, clientId) ?? "";
        credential.ClientIdHint = CredentialTypeDescription.Of(credential.Type).ClientIdIsSecret ? CredentialHint.Of(clientId) : null;
    }

    /// <summary>Whether another credential already has this name (names need not be unique; the form cautions).</summary>
    public async Task<bool> IsNameTakenAsync(string name, int? exceptId = null, CancellationToken cancellationToken = default)
    {
        var trimmed = name.Trim();
        if (trimmed.Length == 0)
        {
            return false;
        }
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Credentials.AnyAsync(c => c.Name == trimmed && c.Id != exceptId, cancellationToken);
    }

    public async Task<SaveResult> CreateAsync(CredentialInput input, CancellationToken cancellationToken = default)
    {
        actors.Require(PortalRoles.Editor);
        var errors = CredentialRules.Validate(input, isCreate: true);
        if (errors.Count > 0)
        {
            return SaveResult.Invalid(errors);
        }

        if (input.IdempotencyKey is Guid key && await FindByIdempotencyKeyAsync(key, cancellationToken) is int created)
        {
            return new SaveResult(SaveStatus.Saved, created);
        }

        var type = input.Type!.Value;
        var oauth = type == CredentialType.OAuth2 ? input.ToOAuthSettings() : null;
        if (oauth is not null && await CheckTokenDestinationsAsync(oauth, cancellationToken) is { } refused)
        {
            return SaveResult.Invalid(refused);
        }

        var now = time.GetUtcNow().UtcDateTime;
        var kind = CredentialTypeDescription.Of(type);
        var credential = new Credential
        {
            Name = input.Name.Trim(),
            Type = type,
            FieldName = kind.StoredFieldName(input.Format, input.FieldName),
            Location = kind.HasLocation ? input.Location : CredentialLocation.Header,
            Format = type == CredentialType.HmacSignature ? input.Format : null,
            CreatedUtc = now,
            LastModifiedUtc = now,
            Version = 1,
            IdempotencyKey = input.IdempotencyKey,
        };
        if (oauth is not null)
        {
            StoreOAuth(credential, oauth);
        }
        else
        {
            SetClientId(credential, kind.ClientIdLabelFor(input.Format) is null ? null : input.ClientId);
            SetSecret(credential, kind.SecretLabel is null ? null : input.Secret);
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        db.Credentials.Add(credential);
        audit.Add(db, "credential.created", "credential", credential.PublicId.ToString(), credential.Name, AuditChanges.Of(db.Entry(credential)));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException) when (input.IdempotencyKey is not null)
        {
            // A repeat of this create committed first: the unique key refused this insert, and the first row is the answer.
            if (await FindByIdempotencyKeyAsync(input.IdempotencyKey.Value, CancellationToken.None) is int first)
            {
                return new SaveResult(SaveStatus.Saved, first);
            }
            throw;
        }
        invalidation.CredentialChanged(credential.Id); // the count, here and elsewhere
        return new SaveResult(SaveStatus.Saved, credential.Id);
    }

    private async Task<int?> FindByIdempotencyKeyAsync(Guid key, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Credentials.AsNoTracking().Where(c => c.IdempotencyKey == key).Select(c => (int?)c.Id).FirstOrDefaultAsync(cancellationToken);
    }

    public async Task<SaveResult> UpdateAsync(int id, CredentialInput input, CancellationToken cancellationToken = default)
    {
        actors.Require(PortalRoles.Editor);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var credential = await db.Credentials.FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (credential is null)
        {
            return new SaveResult(SaveStatus.NotFound, id);
        }

        if (input.Type is not null && input.Type != credential.Type)
        {
            return SaveResult.Invalid(new Dictionary<string, string[]>
            {
                [nameof(input.Type)] = ["The type of a saved credential cannot change: delete it and create a new one."],
            });
        }

        input.Type = credential.Type;
        var kind = CredentialTypeDescription.Of(credential.Type);
        var kept = StoredValuesOf(credential);
        var errors = new ValidationErrors();
        errors.AddAll(CredentialRules.Validate(input, isCreate: false, kept));
        // OAuth 2.0 again with the stored values filled in: a grant switched on edit may need values never stored.
        var oauth = credential.Type == CredentialType.OAuth2 ? input.ToOAuthSettings(StoredOAuth(credential)) : null;
        oauth?.Validate(errors, requireSecrets: true);
        if (!errors.IsEmpty)
        {
            return SaveResult.Invalid(errors.ToDictionary());
        }

        if (input.Version != credential.Version)
        {
            return new SaveResult(SaveStatus.Conflict, id);
        }

        if (oauth is not null && await CheckTokenDestinationsAsync(oauth, cancellationToken) is { } refused)
        {
            return SaveResult.Invalid(refused);
        }

        // The database re-checks the version on UPDATE, which catches a save that raced this one since the read above.
        db.Entry(credential).Property(c => c.Version).OriginalValue = input.Version;
        var signedWith = SignedWith(credential);
        credential.Name = input.Name.Trim();
        credential.FieldName = kind.StoredFieldName(input.Format, input.FieldName);
        credential.Location = kind.HasLocation ? input.Location : CredentialLocation.Header;
        if (credential.Type == CredentialType.HmacSignature)
        {
            credential.Format = input.Format;
        }
        if (oauth is not null)
        {
            StoreOAuth(credential, oauth);
        }
        else
        {
            if (kind.ClientIdLabelFor(input.Format) is null)
            {
                SetClientId(credential, null); // Standard Webhooks has no key id
            }
            else if (!string.IsNullOrEmpty(input.ClientId))
            {
                SetClientId(credential, input.ClientId);
            }
            if (kind.SecretLabel is not null && !string.IsNullOrEmpty(input.Secret))
            {
                SetSecret(credential, input.Secret);
            }
        }
        credential.LastModifiedUtc = time.GetUtcNow().UtcDateTime;
        if (SignedWith(credential) != signedWith)
        {
            EndGraceWindow(credential, credential.LastModifiedUtc);
        }
        credential.Version = input.Version + 1;
        audit.Add(db, "credential.edited", "credential", credential.PublicId.ToString(), credential.Name, AuditChanges.Of(db.Entry(credential)));

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new SaveResult(SaveStatus.Conflict, id);
        }
        invalidation.CredentialChanged(id); // tokens fetched with the old settings (and their refresh tokens) must not outlive them, here or elsewhere
        return new SaveResult(SaveStatus.Saved, id);
    }

    /// <summary>What points at the credential, for the delete confirmation.</summary>
    public async Task<IReadOnlyList<CredentialReference>> FindReferencesAsync(int id, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var found = new List<CredentialReference>();
        foreach (var source in references)
        {
            found.AddRange(await source.FindAsync(db, id, cancellationToken));
        }
        return found;
    }

    /// <summary>
    /// Deletes the credential even while in use: in one transaction every reference is detached (its webhook becomes
    /// "No Auth") and the credential is removed. Returns false when it no longer exists.
    /// </summary>
    public async Task<bool> DeleteAsync(int id, CancellationToken cancellationToken = default)
    {
        actors.Require(PortalRoles.Editor);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var credential = await db.Credentials.FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (credential is null)
        {
            return false;
        }

        var deletedAt = time.GetUtcNow().UtcDateTime;
        var detached = new List<AuditChange>();
        foreach (var source in references)
        {
            detached.AddRange((await source.FindAsync(db, id, cancellationToken))
                .Where(r => r.Kind != CredentialReferenceKind.Inherited)
                .Select(r => new AuditChange(r.Kind == CredentialReferenceKind.Level ? "Hierarchy level" : "Alert", r.Description, r.Kind == CredentialReferenceKind.Level ? "Inherits" : "No Auth")));
            await source.DetachAsync(db, credential, deletedAt, cancellationToken);
        }
        db.Credentials.Remove(credential);
        audit.Add(db, "credential.deleted", "credential", credential.PublicId.ToString(), credential.Name, detached);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        invalidation.CredentialChanged(id);
        foreach (var source in references)
        {
            source.Deleted(id);
        }
        return true;
    }

    /// <summary>The decrypted credential for an outgoing request, or null when it no longer exists (No Auth).</summary>
    public async Task<ResolvedCredential?> ResolveAsync(int id, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var credential = await db.Credentials.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        return credential is null ? null : Resolve(credential);
    }

    /// <summary>
    /// The decrypted credential for an outgoing request, from a row the caller already read (the delivery path loads
    /// the alert and its credential in one query).
    /// </summary>
    internal ResolvedCredential Resolve(Credential credential) => WithPreviousValues(credential, new(
        credential.Type,
        credential.FieldName,
        credential.Location,
        Unprotect(credential.ProtectedClientId) ?? "",
        Unprotect(credential.ProtectedSecret),
        credential.Format ?? HmacFormat.TimestampSignatureKey,
        credential.Id,
        credential.Version,
        StoredOAuth(credential)));
}

/// <summary>The form's Test connection: field messages when the settings cannot request a token, else what the endpoint said.</summary>
public sealed record CredentialConnectionTest(IReadOnlyDictionary<string, string[]> Errors, OAuthConnectionTest? Connection);
