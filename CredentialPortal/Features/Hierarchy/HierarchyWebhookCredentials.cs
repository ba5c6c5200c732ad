using CredentialPortal.Data;
using CredentialPortal.Features.Alerts;
using CredentialPortal.Features.Credentials;
using CredentialPortal.Features.Shared;
using Microsoft.EntityFrameworkCore;

namespace CredentialPortal.Features.Hierarchy;

/// <summary>The three ways to authenticate a webhook, as the config API names them.</summary>
public enum WebhookAuthType
{
    Bearer,
    Hmac,
    Basic,
}

/// <summary>A webhook credential set on an entity in the config API's terms: the credential (token, key id or user name), its secret, the header.</summary>
public sealed record WebhookCredentialRequest(WebhookAuthType AuthType, string? Credential, string? Secret, string? HeaderName);

/// <summary>
/// An entity's webhook credential as the config API shows it: never a value, only the last 4 characters of the
/// credential (token, key id or user name). <see cref="Source"/> is the entity whose own credential it is.
/// </summary>
public sealed record WebhookCredentialView(
    Guid CredentialId,
    string? CredentialHint,
    string AuthType,
    string? HeaderName,
    EffectiveCredential Source);

/// <summary>The outcome of setting an entity's webhook credential: the view, or not found, or messages per request field.</summary>
public sealed record WebhookCredentialResult(SaveStatus Status, WebhookCredentialView? View = null, IReadOnlyDictionary<string, string[]>? Errors = null);

/// <summary>
/// An entity's own webhook credential in the config API's terms (bearer, hmac, basic), over the ordinary credential library: a
/// credential set here is a Bearer Token, an HMAC Signature (t=,v1=,key=) or a Basic Auth credential of the Webhook
/// Credentials tab, and every rule is the library's (<see cref="CredentialRules"/>), reported under the request's field names.
/// </summary>
public sealed class HierarchyWebhookCredentials(IDbContextFactory<PortalDbContext> dbFactory, HierarchyService hierarchy, CredentialService credentials)
{
    /// <summary>The entity's own credential (<paramref name="effective"/>: or the nearest ancestor's); null when none.</summary>
    public async Task<WebhookCredentialView?> GetAsync(Guid entityId, bool effective, CancellationToken cancellationToken = default)
    {
        // The source from the hierarchy's snapshot, then the credential's cached read: no query when both are warm.
        for (var attempt = 0; ; attempt++)
        {
            var source = await hierarchy.GetCredentialSourceAsync(entityId, cancellationToken);
            if (source is null || (!effective && source.Id != entityId))
            {
                return null;
            }
            var stored = await credentials.GetCachedAsync(source.CredentialId!.Value, cancellationToken);
            if (stored is not null)
            {
                return View(new EffectiveCredential(stored.Id, stored.PublicId, stored.Name, stored.Type, source.Id, source.Level, source.Name), stored);
            }
            if (attempt > 0)
            {
                return null;
            }
            // Deleted since the snapshot was taken: its level falls back now (ON DELETE SET NULL).
            hierarchy.InvalidateShape();
        }
    }

    private static WebhookCredentialView View(EffectiveCredential source, CredentialForEdit stored)
    {
        var standardWebhooks = stored.Type == CredentialType.HmacSignature && stored.Format == HmacFormat.StandardWebhooks;
        var (authType, hint, header) = stored.Type switch
        {
            // The "credential" of each config API type: the token (write-only: its saved ending, kept only for values long
            // enough that 4 characters give little away), the key id or the user name (identifiers, shown in full
            // elsewhere: their last 4 characters always).
            CredentialType.BearerToken => ("bearer", stored.SecretHint, stored.FieldName),
            CredentialType.HmacSignature => ("hmac", IdentifierEnding(stored.ClientId), standardWebhooks ? "webhook-signature" : stored.FieldName),
            CredentialType.BasicAuth => ("basic", IdentifierEnding(stored.ClientId), stored.FieldName),
            // Set on the Webhook Credentials tab: the library's other types, by their API names.
            CredentialType.ClientId => ("client_id", stored.ClientIdHint, stored.FieldName),
            CredentialType.ClientIdAndSecret => ("client_id_and_secret", stored.SecretHint ?? stored.ClientIdHint, stored.FieldName),
            CredentialType.OAuth2 => ("oauth2", CredentialHint.Of(stored.ClientId), "Authorization"),
            _ => (stored.Type.ToString().ToLowerInvariant(), null, stored.FieldName),
        };
        return new WebhookCredentialView(source.CredentialPublicId, CredentialHint.ForApi(hint), authType, header, source);
    }

    private static string? IdentifierEnding(string? value) => value is null ? null : value[^Math.Min(4, value.Length)..];

    /// <summary>
    /// Sets the entity's own credential from the request. When its current own credential is of the same type and nothing
    /// else uses it (no other level, no alert chose it), that credential is updated in place and keeps its id; otherwise
    /// a new credential is created and set, and the previous one stays in the library as it was. Only a caller that may
    /// change the shared library (<paramref name="mayChangeLibrary"/>: a Platform-scope token) updates in place: a token
    /// scoped below the platform must not rewrite a credential it cannot see in the library.
    /// </summary>
    public async Task<WebhookCredentialResult> SetAsync(Guid entityId, WebhookCredentialRequest request, bool mayChangeLibrary = true,
        CancellationToken cancellationToken = default)
    {
        var entity = await hierarchy.GetAsync(entityId, cancellationToken);
        if (entity is null)
        {
            return new WebhookCredentialResult(SaveStatus.NotFound);
        }

        var input = ToInput(request, out var requestErrors);
        input.Name = NameStem(entity) + NameSuffix; // the name is made here, never the caller's: the rules check the values
        var errors = new ValidationErrors();
        errors.AddAll(requestErrors);
        errors.AddAll(ApiFields(request.AuthType, CredentialRules.Validate(input, isCreate: true)));
        if (!errors.IsEmpty)
        {
            return new WebhookCredentialResult(SaveStatus.Invalid, Errors: errors.ToDictionary());
        }

        var current = mayChangeLibrary && entity.CredentialId is int currentId && entity.CredentialType == input.Type && await IsOnlyUsedByAsync(currentId, entityId, cancellationToken)
            ? await credentials.GetForEditAsync(currentId, cancellationToken)
            : null;
        SaveResult saved;
        if (current is not null)
        {
            input.Name = current.Name;
            input.Version = current.Version;
            saved = await credentials.UpdateAsync(current.Id, input, cancellationToken);
        }
        else
        {
            input.Name = await NewNameAsync(entity, cancellationToken);
            saved = await credentials.CreateAsync(input, cancellationToken);
        }
        if (saved.Status == SaveStatus.Invalid)
        {
            return new WebhookCredentialResult(SaveStatus.Invalid, Errors: ApiFields(request.AuthType, saved.Errors!));
        }
        if (!saved.Succeeded)
        {
            return new WebhookCredentialResult(saved.Status); // a racing change of the same credential: the caller may repeat
        }

        if (current is null)
        {
            var set = await hierarchy.SetCredentialAsync(entityId, saved.Id, cancellationToken: cancellationToken);
            if (!set.Succeeded)
            {
                await credentials.DeleteAsync(saved.Id, CancellationToken.None); // the entity went away meanwhile: leave nothing behind
                return new WebhookCredentialResult(set.Status == SaveStatus.NotFound ? SaveStatus.NotFound : SaveStatus.Conflict);
            }
        }
        return new WebhookCredentialResult(SaveStatus.Saved, await GetAsync(entityId, effective: false, cancellationToken));
    }

    /// <summary>
    /// Clears the entity's own credential (it inherits its parent's again). The credential itself is deleted too when
    /// nothing else uses it and the caller may change the shared library (<paramref name="mayChangeLibrary"/>: a
    /// Platform-scope token), so that no unused secret stays behind; otherwise it stays in the library. False when the
    /// entity does not exist.
    /// </summary>
    public async Task<bool> ClearAsync(Guid entityId, bool mayChangeLibrary = true, CancellationToken cancellationToken = default)
    {
        var entity = await hierarchy.GetAsync(entityId, cancellationToken);
        if (entity is null)
        {
            return false;
        }
        if (entity.CredentialId is not int credentialId)
        {
            return true;
        }
        var set = await hierarchy.SetCredentialAsync(entityId, null, cancellationToken: cancellationToken);
        if (set.Status == SaveStatus.NotFound)
        {
            return false;
        }
        if (mayChangeLibrary && await IsOnlyUsedByAsync(credentialId, null, cancellationToken))
        {
            await credentials.DeleteAsync(credentialId, cancellationToken);
        }
        return true;
    }

    /// <summary>Whether no level but <paramref name="entityId"/> and no alert (by its own choice) uses the credential.</summary>
    private async Task<bool> IsOnlyUsedByAsync(int credentialId, Guid? entityId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return !await db.HierarchyEntities.AnyAsync(e => e.CredentialId == credentialId && e.Id != entityId, cancellationToken)
            && !await db.Set<Alert>().AnyAsync(a => a.CredentialId == credentialId, cancellationToken);
    }

    /// <summary>"Acme webhook credential", or with " (2)", " (3)"... when the library already has that name.</summary>
    private async Task<string> NewNameAsync(HierarchyItem entity, CancellationToken cancellationToken)
    {
        var stem = NameStem(entity);
        var name = stem + NameSuffix;
        for (var n = 2; await credentials.IsNameTakenAsync(name, cancellationToken: cancellationToken) && n < 1000; n++)
        {
            name = $"{stem}{NameSuffix} ({n})";
        }
        return name;
    }

    private const string NameSuffix = " webhook credential";

    /// <summary>The entity's name, shortened so that the suffix and a " (n)" still fit the library's name length.</summary>
    private static string NameStem(HierarchyItem entity) => entity.Name.Length + NameSuffix.Length + 6 > CredentialRules.NameMaxLength
        ? entity.Name[..(CredentialRules.NameMaxLength - NameSuffix.Length - 6)].TrimEnd()
        : entity.Name;

    /// <summary>The library's input for the documented request; header_name defaults as documented.</summary>
    private static CredentialInput ToInput(WebhookCredentialRequest request, out Dictionary<string, string[]> errors)
    {
        errors = [];
        var type = request.AuthType switch
        {
            WebhookAuthType.Hmac => CredentialType.HmacSignature,
            WebhookAuthType.Basic => CredentialType.BasicAuth,
            _ => CredentialType.BearerToken,
        };
        var defaultHeader = CredentialTypeDescription.Of(type).DefaultHeaderName!;
        var header = request.HeaderName ?? defaultHeader;
        if (type == CredentialType.BasicAuth && !CredentialRules.HasForbiddenControlChars(header)
            && !header.Trim().Equals(defaultHeader, StringComparison.OrdinalIgnoreCase))
        {
            // The wire format of Basic Auth is the Authorization header's; another header would not be Basic Auth.
            errors[HeaderName] = [$"header_name: basic credentials are always sent in {defaultHeader}."];
        }
        return type switch
        {
            CredentialType.BearerToken => new CredentialInput { Type = type, FieldName = header, Secret = request.Credential },
            _ => new CredentialInput
            {
                Type = type,
                FieldName = header,
                Format = type == CredentialType.HmacSignature ? HmacFormat.TimestampSignatureKey : null,
                ClientId = request.Credential,
                Secret = request.Secret,
            },
        };
    }

    private const string HeaderName = "header_name";

    /// <summary>The library's field → messages under the request's names: the token, key id or user name is "credential".</summary>
    private static Dictionary<string, string[]> ApiFields(WebhookAuthType authType, IReadOnlyDictionary<string, string[]> errors)
    {
        string Field(string domain) => domain switch
        {
            nameof(CredentialInput.Secret) when authType == WebhookAuthType.Bearer => "credential",
            nameof(CredentialInput.Secret) => "secret",
            nameof(CredentialInput.ClientId) => "credential",
            nameof(CredentialInput.FieldName) => HeaderName,
            _ => domain, // Name: made here, never the caller's
        };
        return errors.GroupBy(e => Field(e.Key))
            .ToDictionary(g => g.Key, g => g.SelectMany(e => e.Value).Select(m => $"{g.Key}: {m}").Distinct().ToArray());
    }
}
