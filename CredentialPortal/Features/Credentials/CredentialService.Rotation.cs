using System.Globalization;
using CredentialPortal.Features.Audit;
using CredentialPortal.Features.Credentials.OAuth;
using CredentialPortal.Features.Shared;
using CredentialPortal.Features.Users;
using Microsoft.EntityFrameworkCore;

namespace CredentialPortal.Features.Credentials;

/// <summary>
/// Rotation with a grace window: the new secret takes over at once, the previous one is kept (encrypted) until the
/// window ends so that signatures carry both and a JWT key's JWKS lists both; Roll back restores it while the window is
/// open. Nothing runs when a window ends: the delivery path and the JWKS compare its end with their own clock.
/// </summary>
public sealed partial class CredentialService
{
    public const string RotatedAction = "credential.rotated";
    public const string RolledBackAction = "credential.rolled-back";

    /// <summary>
    /// Replaces the credential's secret (a generated one where the portal can make it), keeping the previous one working
    /// for <see cref="RotationInput.GracePeriodSeconds"/> (0: it stops at once). Editors only.
    /// </summary>
    public async Task<RotationResult> RotateAsync(int id, RotationInput input, CancellationToken cancellationToken = default)
    {
        actors.Require(PortalRoles.Editor);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var credential = await db.Credentials.FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (credential is null)
        {
            return new RotationResult(SaveStatus.NotFound, id);
        }

        var grant = credential.Type == CredentialType.OAuth2 ? credential.GrantType : null;
        var errors = RotationRules.Validate(input, credential.Type, credential.Format, grant);
        if (errors.Count > 0)
        {
            return new RotationResult(SaveStatus.Invalid, id, errors);
        }

        var jwt = grant == OAuthGrantType.ClientCredentialsWithJwt;
        var secret = input.Generate
            ? RotationRules.NewSecret(credential.Type, credential.Format, credential.SigningAlgorithm ?? OAuthSigningAlgorithm.RS256)
            : input.Secret!;
        var label = RotationRules.SecretLabel(credential.Type, grant);
        var now = time.GetUtcNow().UtcDateTime;
        var graceEnds = now.AddSeconds(input.GracePeriodSeconds);
        var keeps = input.GracePeriodSeconds > 0;
        var changes = new List<AuditChange>
        {
            AuditChange.OfSecret(label),
            new("Grace period ends", AuditTime(credential.GraceEndsUtc), AuditTime(graceEnds)),
        };

        // The current values become the previous ones (a window still open from an earlier rotation ends now): only
        // what a receiver may still hold is kept, and nothing at all when the old secret stops at once.
        credential.ProtectedPreviousSecret = keeps ? credential.ProtectedSecret : null;
        credential.ProtectedPreviousClientId = keeps ? credential.ProtectedClientId : null;
        credential.ProtectedPreviousPrivateKey = keeps ? credential.ProtectedPrivateKey : null;
        credential.PreviousSecretHint = keeps ? (credential.Type == CredentialType.ClientId ? credential.ClientIdHint : credential.SecretHint) : null;
        if (jwt)
        {
            credential.ProtectedPrivateKey = Protect(secret);
        }
        else if (credential.Type == CredentialType.ClientId)
        {
            SetClientId(credential, secret); // the value authenticates alone: it is the secret
        }
        else
        {
            SetSecret(credential, secret);
        }
        if (!string.IsNullOrEmpty(input.KeyId))
        {
            var keyId = Unprotect(credential.ProtectedClientId);
            if (keyId != input.KeyId)
            {
                changes.Add(new AuditChange("Key ID", keyId, input.KeyId));
                SetClientId(credential, input.KeyId);
            }
        }
        credential.RotatedUtc = now;
        credential.GraceEndsUtc = graceEnds;
        credential.LastModifiedUtc = now;
        credential.Version++;
        audit.Add(db, RotatedAction, "credential", credential.PublicId.ToString(), credential.Name, changes);

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new RotationResult(SaveStatus.Conflict, id);
        }
        // The edits' path: cached reads and OAuth tokens (here and on the other instances) must not outlive the old secret.
        invalidation.CredentialChanged(id);
        return new RotationResult(SaveStatus.Saved, id,
            GeneratedSecret: input.Generate && RotationRules.GeneratedSecretIsShared(credential.Type) ? secret : null);
    }

    /// <summary>
    /// Puts the previous secret back while the grace window is open, and ends the window. Editors only. Conflict when
    /// there is nothing to roll back to (no rotation, rolled back already, or the window has ended).
    /// </summary>
    public async Task<RotationResult> RollBackAsync(int id, CancellationToken cancellationToken = default)
    {
        actors.Require(PortalRoles.Editor);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var credential = await db.Credentials.FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (credential is null)
        {
            return new RotationResult(SaveStatus.NotFound, id);
        }
        var now = time.GetUtcNow().UtcDateTime;
        if (!HasPreviousValues(credential) || !RotationRules.IsGraceOpen(credential.GraceEndsUtc, now))
        {
            return new RotationResult(SaveStatus.Conflict, id, new Dictionary<string, string[]>
            {
                [""] = ["The grace period has ended (or there was no rotation): there is no previous secret to roll back to."],
            });
        }

        var grant = credential.Type == CredentialType.OAuth2 ? credential.GrantType : null;
        var changes = new List<AuditChange>
        {
            AuditChange.OfSecret(RotationRules.SecretLabel(credential.Type, grant)),
            new("Grace period ends", AuditTime(credential.GraceEndsUtc), null),
        };
        if (grant == OAuthGrantType.ClientCredentialsWithJwt)
        {
            credential.ProtectedPrivateKey = credential.ProtectedPreviousPrivateKey;
        }
        else if (credential.Type == CredentialType.ClientId)
        {
            credential.ProtectedClientId = credential.ProtectedPreviousClientId ?? credential.ProtectedClientId;
            credential.ClientIdHint = credential.PreviousSecretHint;
        }
        else
        {
            credential.ProtectedSecret = credential.ProtectedPreviousSecret;
            credential.SecretHint = credential.PreviousSecretHint;
            if (credential.Type == CredentialType.HmacSignature && credential.ProtectedPreviousClientId is { } previousKeyId)
            {
                var keyId = Unprotect(credential.ProtectedClientId);
                var restored = Unprotect(previousKeyId);
                if (keyId != restored)
                {
                    changes.Add(new AuditChange("Key ID", keyId, restored));
                }
                credential.ProtectedClientId = previousKeyId;
            }
        }
        credential.ProtectedPreviousSecret = null;
        credential.ProtectedPreviousClientId = null;
        credential.ProtectedPreviousPrivateKey = null;
        credential.PreviousSecretHint = null;
        credential.RotatedUtc = null;
        credential.GraceEndsUtc = null;
        credential.LastModifiedUtc = now;
        credential.Version++;
        audit.Add(db, RolledBackAction, "credential", credential.PublicId.ToString(), credential.Name, changes);

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new RotationResult(SaveStatus.Conflict, id);
        }
        invalidation.CredentialChanged(id);
        return new RotationResult(SaveStatus.Saved, id);
    }

    /// <summary>The credential's rotation state as its page shows it; null when it does not exist.</summary>
    public async Task<RotationView?> GetRotationAsync(int id, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var credential = await db.Credentials.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (credential is null)
        {
            return null;
        }
        var grant = credential.Type == CredentialType.OAuth2 ? credential.GrantType : null;
        var kind = CredentialTypeDescription.Of(credential.Type);
        return new RotationView(
            credential.Id,
            credential.PublicId,
            credential.Name,
            credential.Type,
            credential.Format,
            grant,
            RotationRules.SecretLabel(credential.Type, grant),
            RotationRules.CanGenerate(credential.Type, grant),
            credential.Type == CredentialType.HmacSignature && kind.ClientIdLabelFor(credential.Format) is not null
                ? Unprotect(credential.ProtectedClientId) : null,
            credential.RotatedUtc,
            credential.GraceEndsUtc,
            HasPreviousValues(credential) && RotationRules.IsGraceOpen(credential.GraceEndsUtc, time.GetUtcNow().UtcDateTime));
    }

    /// <summary>
    /// The public keys a JWT credential's receivers may verify its client assertions with (RFC 7517 JWKs, kid = RFC 7638
    /// thumbprint): the current key, and during a rotation's grace window the previous one too. Null for an unknown
    /// credential or one that signs no JWT.
    /// </summary>
    public async Task<IReadOnlyList<OAuthPublicKey>?> GetPublicKeysAsync(Guid publicId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var credential = await db.Credentials.AsNoTracking().FirstOrDefaultAsync(c => c.PublicId == publicId, cancellationToken);
        if (credential is not { Type: CredentialType.OAuth2, GrantType: OAuthGrantType.ClientCredentialsWithJwt }
            || Unprotect(credential.ProtectedPrivateKey) is not { } current)
        {
            return null;
        }
        var algorithm = credential.SigningAlgorithm ?? OAuthSigningAlgorithm.RS256;
        var keys = new List<OAuthPublicKey> { OAuthKeys.PublicKeyOf(current, algorithm) };
        if (RotationRules.IsGraceOpen(credential.GraceEndsUtc, time.GetUtcNow().UtcDateTime)
            && Unprotect(credential.ProtectedPreviousPrivateKey) is { } previous)
        {
            keys.Add(OAuthKeys.PublicKeyOf(previous, algorithm));
        }
        return keys;
    }

    /// <summary>
    /// Adds the previous secret to an HMAC credential resolved for sending while its grace window is open; the wire
    /// format decides at send time whether it still signs. Header types send the new value alone.
    /// </summary>
    private ResolvedCredential WithPreviousValues(Credential credential, ResolvedCredential resolved)
    {
        if (credential.Type != CredentialType.HmacSignature || credential.ProtectedPreviousSecret is null
            || !RotationRules.IsGraceOpen(credential.GraceEndsUtc, time.GetUtcNow().UtcDateTime))
        {
            return resolved;
        }
        return resolved with
        {
            PreviousSecret = Unprotect(credential.ProtectedPreviousSecret),
            PreviousClientId = Unprotect(credential.ProtectedPreviousClientId),
            GraceEndsUtc = new DateTimeOffset(DateTime.SpecifyKind(credential.GraceEndsUtc!.Value, DateTimeKind.Utc)),
        };
    }

    /// <summary>What a rotation keeps the previous of (secret, key id or value, private key), and the format that signs with them.</summary>
    private (string? Secret, string? ClientId, string? PrivateKey, HmacFormat? Format) SignedWith(Credential credential) =>
        (Unprotect(credential.ProtectedSecret), Unprotect(credential.ProtectedClientId), Unprotect(credential.ProtectedPrivateKey), credential.Format);

    /// <summary>
    /// An edit replaced what the last rotation kept the previous of (or the format): the previous values stop at once.
    /// They belong to what was replaced: sent beside the edit's values they would sign with the secret from before the
    /// rotation (or, under a new format, not sign at all), and a roll back would discard the edit.
    /// </summary>
    private static void EndGraceWindow(Credential credential, DateTime now)
    {
        credential.ProtectedPreviousSecret = null;
        credential.ProtectedPreviousClientId = null;
        credential.ProtectedPreviousPrivateKey = null;
        credential.PreviousSecretHint = null;
        if (credential.GraceEndsUtc > now)
        {
            credential.GraceEndsUtc = now;
        }
    }

    private static bool HasPreviousValues(Credential credential) =>
        credential.ProtectedPreviousSecret is not null || credential.ProtectedPreviousPrivateKey is not null
        || (credential.Type == CredentialType.ClientId && credential.ProtectedPreviousClientId is not null);

    private static string? AuditTime(DateTime? utc) =>
        utc is { } value ? DateTime.SpecifyKind(value, DateTimeKind.Utc).ToString("O", CultureInfo.InvariantCulture) : null;
}

/// <summary>
/// The outcome of a rotation or roll back. <see cref="GeneratedSecret"/>: an HMAC secret the portal made, to be handed
/// to the receiver; shown once, never stored in the clear.
/// </summary>
public sealed record RotationResult(SaveStatus Status, int Id, IReadOnlyDictionary<string, string[]>? Errors = null, string? GeneratedSecret = null)
{
    public bool Succeeded => Status == SaveStatus.Saved;

    // Keeps a generated secret out of logs and debugger displays.
    public override string ToString() => $"Rotation of credential {Id}: {Status}";
}

/// <summary>
/// A credential's rotation state as its page shows it; never a secret. <see cref="GraceOpen"/>: the previous secret still
/// works, by the service's clock when read (Roll back is offered then; the service checks again).
/// </summary>
public sealed record RotationView(
    int Id,
    Guid PublicId,
    string Name,
    CredentialType Type,
    HmacFormat? Format,
    OAuthGrantType? GrantType,
    string SecretLabel,
    bool CanGenerate,
    string? KeyId,
    DateTime? RotatedUtc,
    DateTime? GraceEndsUtc,
    bool GraceOpen)
{

    /// <summary>Whether receivers fetch the public keys from the credential's JWKS URL.</summary>
    public bool PublishesJwks => Type == CredentialType.OAuth2 && GrantType == OAuthGrantType.ClientCredentialsWithJwt;

    /// <summary>Whether the dialog asks for a Key ID (t=,v1=,key= signatures).</summary>
    public bool HasKeyId => Type == CredentialType.HmacSignature && Format != HmacFormat.StandardWebhooks;
}
