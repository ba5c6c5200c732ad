using CredentialPortal.Data;
using CredentialPortal.Features.Audit;
using CredentialPortal.Features.Credentials;
using CredentialPortal.Features.Delivery;
using CredentialPortal.Features.Hierarchy;
using CredentialPortal.Features.Shared;
using CredentialPortal.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using CredentialPortal.Features.Users;

namespace CredentialPortal.Features.Alerts;

/// <summary>Owns the rules of alerts and their webhooks: validation, destination checks, the credential choice.</summary>
public sealed class AlertService(
    IDbContextFactory<PortalDbContext> dbFactory,
    CredentialService credentials,
    WebhookDestinationPolicy destinations,
    HierarchyService hierarchy,
    TimeProvider time,
    IDataProtectionProvider dataProtection,
    ActorAccessor actors,
    AuditTrail audit,
    CacheInvalidation invalidation)
{
    public const int CredentialChoiceLimit = 20;

    private readonly IDataProtector headerProtector = WebhookHeaderSecrets.CreateProtector(dataProtection);

    public async Task<AlertPage> ListAsync(AlertListQuery query, CancellationToken cancellationToken = default)
    {
        var pageSize = Math.Clamp(query.PageSize, 1, 100);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var alerts = db.Set<Alert>().AsNoTracking().Where(a => a.Kind == query.Kind);
        var total = await alerts.CountAsync(cancellationToken);
        alerts = (query.SortBy, query.Descending) switch
        {
            (AlertSort.Name, false) => alerts.OrderBy(a => a.Name).ThenBy(a => a.Id),
            (AlertSort.Name, true) => alerts.OrderByDescending(a => a.Name).ThenByDescending(a => a.Id),
            (_, false) => alerts.OrderBy(a => a.LastModifiedUtc).ThenBy(a => a.Id),
            _ => alerts.OrderByDescending(a => a.LastModifiedUtc).ThenByDescending(a => a.Id),
        };
        var page = await alerts.Skip(ListUrl.Offset(query.Page, pageSize)).Take(pageSize)
            .Include(a => a.Credential)
            .ToListAsync(cancellationToken);
        // Inheriting alerts show their workspace's effective credential: one lookup per workspace on the page.
        var effective = new Dictionary<Guid, EffectiveCredential?>();
        foreach (var workspace in page.Where(a => a.WebhookEnabled && a.InheritsCredential).Select(a => a.WorkspaceId).Distinct())
        {
            effective[workspace] = await hierarchy.GetEffectiveAsync(workspace, cancellationToken);
        }
        var rows = page.Select(a => new AlertRow(a.Id, a.Name, a.TriggerSummary(), AuthSummary(a, effective.GetValueOrDefault(a.WorkspaceId)), a.LastModifiedUtc)).ToList();
        return new AlertPage(rows, total);
    }

    private static string AuthSummary(Alert alert, EffectiveCredential? inherited) => !alert.WebhookEnabled
        ? "No webhook"
        : alert.InheritsCredential
            ? inherited is null ? "Inherit (No Auth)" : $"Inherit: {inherited.CredentialName} ({inherited.Type.DisplayName()})"
            : alert.Credential is { } credential ? $"{credential.Name} ({credential.Type.DisplayName()})" : "No Auth";

    public async Task<AlertOverview?> GetOverviewAsync(int id, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var alert = await db.Set<Alert>().AsNoTracking().Include(a => a.Credential).FirstOrDefaultAsync(a => a.Id == id, cancellationToken);
        if (alert is null)
        {
            return null;
        }
        var credential = alert.Credential;
        EffectiveCredential? inherited = null;
        if (alert.WebhookEnabled && alert.InheritsCredential)
        {
            inherited = await hierarchy.GetEffectiveAsync(alert.WorkspaceId, cancellationToken);
            credential = inherited is null ? null : await db.Credentials.AsNoTracking().FirstOrDefaultAsync(c => c.Id == inherited.CredentialId, cancellationToken);
        }
        var auth = new WebhookAuth(
            credential is null ? null : new CredentialChoice(credential.Id, credential.Name, credential.Type, credential.LastModifiedUtc),
            // Standard Webhooks names its own headers; the stored field name does not travel.
            credential switch
            {
                { Type: CredentialType.HmacSignature, Format: HmacFormat.StandardWebhooks } => "webhook-id, webhook-timestamp, webhook-signature",
                { Type: CredentialType.OAuth2 } => $"Authorization: Bearer <access token from {credential.TokenUrl}>",
                _ => credential?.FieldName,
            },
            credential?.Location,
            alert.RemovedCredentialName,
            alert.RemovedCredentialAtUtc)
        {
            InheritsCredential = alert.InheritsCredential,
            Inherited = inherited,
            Summary = AuthLine(alert, credential, inherited),
        };
        var workspace = await db.HierarchyEntities.AsNoTracking()
            .Where(w => w.Id == alert.WorkspaceId)
            .Select(w => new WorkspaceChoice(w.Id, w.Name, w.Parent!.Name, w.Parent.Parent!.Name))
            .FirstOrDefaultAsync(cancellationToken);
        alert.Credential = null; // the overview carries what it shows, not the protected values
        foreach (var header in alert.WebhookHeaders.Where(h => h.Secret))
        {
            header.Value = ""; // nor a secret header's ciphertext
        }
        return new AlertOverview(alert, auth) { Workspace = workspace };
    }

    /// <summary>"Bearer Token 'Acme key', inherited from partner Acme", "Bearer Token 'Ops key'" or "No Auth".</summary>
    private static string AuthLine(Alert alert, Credential? credential, EffectiveCredential? inherited)
    {
        if (credential is null)
        {
            return alert.InheritsCredential ? "No Auth (inherited: no level above the alert has a credential)" : "No Auth";
        }
        var line = credential.Type.Describe(credential.Name);
        return inherited is null ? line : $"{line}, {inherited.SourceText(alert.WorkspaceId)}";
    }

    public async Task<(AlertInput Input, CredentialChoice? Credential)?> GetForEditAsync(int id, CancellationToken cancellationToken = default)
    {
        var overview = await GetOverviewAsync(id, cancellationToken);
        if (overview is null)
        {
            return null;
        }
        var alert = overview.Alert;
        var input = new AlertInput
        {
            Name = alert.Name,
            Kind = alert.Kind,
            PlatformEvent = alert.PlatformEvent,
            Metric = alert.Metric,
            Comparison = alert.Comparison,
            Threshold = alert.Threshold,
            WindowMinutes = alert.WindowMinutes,
            WebhookEnabled = alert.WebhookEnabled,
            WebhookUrl = alert.WebhookUrl,
            WebhookMethod = alert.WebhookMethod,
            // A secret header's value never goes back to the form: empty keeps it.
            Headers = alert.WebhookHeaders.Select(h => h.Secret
                    ? new HeaderInput { Name = h.Name, Secret = true, KeptFrom = h.Name }
                    : new HeaderInput { Name = h.Name, Value = h.Value })
                .ToList(),
            WorkspaceId = alert.WorkspaceId,
            InheritsCredential = alert.InheritsCredential,
            CredentialId = alert.CredentialId,
            Version = alert.Version,
        };
        // An inheriting alert's choice is Inherit, not the credential it currently resolves to.
        return (input, alert.InheritsCredential ? null : overview.Auth.Credential);
    }

    /// <summary>Credentials to choose from, most recently modified first, optionally filtered by a name fragment.</summary>
    public async Task<IReadOnlyList<CredentialChoice>> CredentialChoicesAsync(string? search, CancellationToken cancellationToken = default)
    {
        var page = await credentials.ListAsync(new CredentialListQuery(search, PageSize: CredentialChoiceLimit), cancellationToken);
        return page.Items.Select(r => new CredentialChoice(r.Id, r.Name, r.Type, r.LastModifiedUtc)).ToList();
    }

    /// <summary>The choice for one credential (its name, type and last change), or null when it no longer exists.</summary>
    public async Task<CredentialChoice?> CredentialChoiceAsync(int id, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Credentials.AsNoTracking().Where(c => c.Id == id)
            .Select(c => new CredentialChoice(c.Id, c.Name, c.Type, c.LastModifiedUtc))
            .SingleOrDefaultAsync(cancellationToken);
    }

    public async Task<SaveResult> CreateAsync(AlertInput input, CancellationToken cancellationToken = default)
    {
        actors.Require(PortalRoles.Editor);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var errors = await ValidateAsync(db, input, cancellationToken);
        if (errors.Count > 0)
        {
            return SaveResult.Invalid(errors);
        }

        if (input.IdempotencyKey is Guid key && await FindByIdempotencyKeyAsync(db, key, cancellationToken) is int created)
        {
            return new SaveResult(SaveStatus.Saved, created);
        }

        var now = time.GetUtcNow().UtcDateTime;
        var alert = new Alert { Name = input.Name.Trim(), Kind = input.Kind, CreatedUtc = now, Version = 1, IdempotencyKey = input.IdempotencyKey };
        if (StoreHeaders(input, []) is not { } headers)
        {
            return SaveResult.Invalid(KeptHeaderMissing(input, []));
        }
        Apply(alert, input, headers, now);
        db.Add(alert);
        List<AuditChange> changes = [.. AuditChanges.Of(db.Entry(alert)), .. AuditChanges.OfHeaders([], headers)];
        // The entry names the alert by the id the insert gives it: both saves in one transaction.
        await using var transaction = await AuditTrail.BeginAsync(db, cancellationToken);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException) when (input.IdempotencyKey is not null)
        {
            await transaction.RollbackAsync(CancellationToken.None);
            // A repeat of this create committed first: the unique key refused this insert, and the first row is the answer.
            if (await FindByIdempotencyKeyAsync(db, input.IdempotencyKey.Value, CancellationToken.None) is int first)
            {
                return new SaveResult(SaveStatus.Saved, first);
            }
            throw;
        }
        audit.Add(db, "alert.created", "alert", alert.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), alert.Name, changes);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        invalidation.ReferencesChanged(); // the credential list's Used by order
        return new SaveResult(SaveStatus.Saved, alert.Id);
    }

    private static async Task<int?> FindByIdempotencyKeyAsync(PortalDbContext db, Guid key, CancellationToken cancellationToken) =>
        await db.Set<Alert>().AsNoTracking().Where(a => a.IdempotencyKey == key).Select(a => (int?)a.Id).FirstOrDefaultAsync(cancellationToken);

    public async Task<SaveResult> UpdateAsync(int id, AlertInput input, CancellationToken cancellationToken = default)
    {
        actors.Require(PortalRoles.Editor);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var alert = await db.Set<Alert>().FirstOrDefaultAsync(a => a.Id == id, cancellationToken);
        if (alert is null)
        {
            return new SaveResult(SaveStatus.NotFound, id);
        }
        input.Kind = alert.Kind; // the kind is where the alert lives; it does not change
        var errors = await ValidateAsync(db, input, cancellationToken);
        if (errors.Count > 0)
        {
            return SaveResult.Invalid(errors);
        }
        if (input.Version != alert.Version)
        {
            return new SaveResult(SaveStatus.Conflict, id);
        }

        db.Entry(alert).Property(a => a.Version).OriginalValue = input.Version;
        if (alert.CredentialId != input.CredentialId || alert.InheritsCredential != input.InheritsCredential)
        {
            alert.RemovedCredentialName = null;
            alert.RemovedCredentialAtUtc = null;
        }
        if (StoreHeaders(input, alert.WebhookHeaders) is not { } headers)
        {
            return SaveResult.Invalid(KeptHeaderMissing(input, alert.WebhookHeaders));
        }
        var headersBefore = alert.WebhookHeaders;
        Apply(alert, input, headers, time.GetUtcNow().UtcDateTime);
        alert.Version = input.Version + 1;
        audit.Add(db, "alert.edited", "alert", id.ToString(System.Globalization.CultureInfo.InvariantCulture), alert.Name,
            [.. AuditChanges.Of(db.Entry(alert)), .. AuditChanges.OfHeaders(headersBefore, headers)]);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new SaveResult(SaveStatus.Conflict, id);
        }
        invalidation.ReferencesChanged();
        return new SaveResult(SaveStatus.Saved, id);
    }

    /// <summary>
    /// The headers to store: secret values encrypted, a secret left empty keeps the saved value it was loaded from. Null when
    /// such a saved value is gone.
    /// </summary>
    private List<WebhookHeader>? StoreHeaders(AlertInput input, IReadOnlyList<WebhookHeader> stored)
    {
        if (!input.WebhookEnabled)
        {
            return [];
        }
        var headers = new List<WebhookHeader>(input.Headers.Count);
        foreach (var header in input.Headers)
        {
            var name = header.Name.Trim();
            if (!header.Secret)
            {
                headers.Add(new WebhookHeader { Name = name, Value = header.Value });
            }
            else if (header.Value.Length > 0)
            {
                headers.Add(new WebhookHeader { Name = name, Value = headerProtector.Protect(header.Value), Secret = true });
            }
            else if (Kept(header, stored) is { } kept)
            {
                headers.Add(new WebhookHeader { Name = name, Value = kept.Value, Secret = true });
            }
            else
            {
                return null;
            }
        }
        return headers;
    }

    private static WebhookHeader? Kept(HeaderInput header, IReadOnlyList<WebhookHeader> stored) =>
        header.KeptFrom is null ? null : stored.FirstOrDefault(s => s.Secret && s.Name.Equals(header.KeptFrom, StringComparison.OrdinalIgnoreCase));

    private static Dictionary<string, string[]> KeptHeaderMissing(AlertInput input, IReadOnlyList<WebhookHeader> stored) =>
        input.Headers.Select((header, i) => (header, i))
            .Where(h => h.header.Secret && h.header.Value.Length == 0 && Kept(h.header, stored) is null)
            .ToDictionary(h => $"Headers[{h.i}].Value", _ => new[] { "A secret header needs a value." });

    private static void Apply(Alert alert, AlertInput input, List<WebhookHeader> headers, DateTime now)
    {
        alert.Name = input.Name.Trim();
        var platform = input.Kind == AlertKind.PlatformEvent;
        alert.PlatformEvent = platform ? input.PlatformEvent : null;
        alert.Metric = platform ? null : input.Metric;
        alert.Comparison = platform ? null : input.Comparison;
        alert.Threshold = platform ? null : input.Threshold;
        alert.WindowMinutes = platform ? null : input.WindowMinutes;
        alert.WebhookEnabled = input.WebhookEnabled;
        alert.WebhookUrl = input.WebhookEnabled ? input.WebhookUrl?.Trim() : null;
        alert.WebhookMethod = input.WebhookEnabled ? input.WebhookMethod : "POST";
        alert.WebhookHeaders = headers;
        alert.WebhookGoneAtUtc = null; // saving is how a person turns a webhook whose receiver said 410 Gone back on
        alert.WorkspaceId = input.WorkspaceId;
        alert.InheritsCredential = input.WebhookEnabled && input.InheritsCredential;
        alert.CredentialId = input.WebhookEnabled && !input.InheritsCredential ? input.CredentialId : null;
        alert.LastModifiedUtc = now;
    }

    private async Task<Dictionary<string, string[]>> ValidateAsync(PortalDbContext db, AlertInput input, CancellationToken cancellationToken)
    {
        var errors = AlertRules.Validate(input);
        if (!await db.HierarchyEntities.AnyAsync(e => e.Id == input.WorkspaceId && e.Level == HierarchyLevel.Workspace, cancellationToken))
        {
            errors[nameof(input.WorkspaceId)] = ["Choose the workspace the alert belongs to; this one does not exist."];
        }
        if (!input.WebhookEnabled)
        {
            return errors;
        }
        if (!errors.ContainsKey(nameof(input.WebhookUrl))
            && await destinations.CheckAsync(new Uri(input.WebhookUrl!.Trim()), cancellationToken) is { } refusal)
        {
            errors[nameof(input.WebhookUrl)] = [refusal];
        }
        if (!input.InheritsCredential && input.CredentialId is int credentialId && !await db.Credentials.AnyAsync(c => c.Id == credentialId, cancellationToken))
        {
            errors[nameof(input.CredentialId)] = ["This credential no longer exists; choose another or No Auth."];
        }
        return errors;
    }

    public async Task<bool> DeleteAsync(int id, CancellationToken cancellationToken = default)
    {
        actors.Require(PortalRoles.Editor);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var name = await db.Set<Alert>().Where(a => a.Id == id).Select(a => a.Name).FirstOrDefaultAsync(cancellationToken);
        // Its deliveries and their attempts go with it (cascade).
        if (name is null || await db.Set<Alert>().Where(a => a.Id == id).ExecuteDeleteAsync(cancellationToken) == 0)
        {
            return false;
        }
        audit.Add(db, "alert.deleted", "alert", id.ToString(System.Globalization.CultureInfo.InvariantCulture), name);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        invalidation.ReferencesChanged();
        return true;
    }
}
