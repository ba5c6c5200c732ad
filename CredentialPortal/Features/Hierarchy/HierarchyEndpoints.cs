using System.Security.Claims;
using System.Text.Json.Serialization;
using CredentialPortal.Features.Api;
using CredentialPortal.Features.Shared;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace CredentialPortal.Features.Hierarchy;

/// <summary>
/// The hierarchy's REST routes: the entities (<c>/partners</c>, <c>/organizations</c>, <c>/workspaces</c>,
/// <c>/platform</c>) and each entity's webhook credential (<c>/config/{entity_type}/{entity_id}/webhook-credential</c>,
/// the documented routes, bodies and answers). Thin over <see cref="HierarchyService"/> and
/// <see cref="HierarchyWebhookCredentials"/>; a token reaches its scope entity and what lies below it.
/// </summary>
public static class HierarchyEndpoints
{
    public const string NoCredentialDetail = "No webhook credential configured";

    public static RouteGroupBuilder MapHierarchyApi(this RouteGroupBuilder api)
    {
        var entities = api.MapGroup("").WithTags("Hierarchy");
        entities.MapGet("/platform", GetPlatformAsync).WithName("GetPlatform").ProducesProblem(StatusCodes.Status403Forbidden);
        MapLevel(entities, "/partners", HierarchyLevel.Partner);
        MapLevel(entities, "/organizations", HierarchyLevel.Organization);
        MapLevel(entities, "/workspaces", HierarchyLevel.Workspace);

        var config = api.MapGroup("/config/{entity_type}/{entity_id}/webhook-credential").WithTags("Webhook credential");
        config.MapGet("", GetCredentialAsync).WithName("GetWebhookCredential")
            .Produces<NoCredential>(StatusCodes.Status404NotFound, "application/problem+json").ProducesProblem(StatusCodes.Status403Forbidden);
        config.MapPost("", SetCredentialAsync).WithName("SetWebhookCredential")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status403Forbidden);
        config.MapDelete("", DeleteCredentialAsync).WithName("DeleteWebhookCredential")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status403Forbidden);
        config.MapGet("/effective", GetEffectiveCredentialAsync).WithName("GetEffectiveWebhookCredential")
            .Produces<NoCredential>(StatusCodes.Status404NotFound, "application/problem+json").ProducesProblem(StatusCodes.Status403Forbidden);
        return api;
    }

    private static void MapLevel(RouteGroupBuilder api, string path, HierarchyLevel level)
    {
        var name = level.DisplayName();
        api.MapGet(path, (ClaimsPrincipal user, HierarchyService hierarchy, [FromQuery(Name = "parent_id")] Guid? parentId, CancellationToken ct) =>
                ListAsync(user, hierarchy, level, parentId, ct))
            .WithName($"List{name}s");
        api.MapGet(path + "/{id}", (ClaimsPrincipal user, HierarchyService hierarchy, string id, CancellationToken ct) =>
                GetEntityAsync(user, hierarchy, level, id, ct))
            .WithName($"Get{name}").ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status403Forbidden);
        api.MapDelete(path + "/{id}", (ClaimsPrincipal user, HierarchyService hierarchy, string id, CancellationToken ct) =>
                DeleteEntityAsync(user, hierarchy, level, id, ct))
            .WithName($"Delete{name}").ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict);
        var create = level switch
        {
            HierarchyLevel.Partner => api.MapPost(path, (ClaimsPrincipal user, HierarchyService hierarchy, PartnerBody body, CancellationToken ct) =>
                CreateAsync(user, hierarchy, level, body.Name, HierarchyDefaults.PlatformId, "parent_id", ct)),
            HierarchyLevel.Organization => api.MapPost(path, (ClaimsPrincipal user, HierarchyService hierarchy, OrganizationBody body, CancellationToken ct) =>
                CreateAsync(user, hierarchy, level, body.Name, body.PartnerId, "partner_id", ct)),
            _ => api.MapPost(path, (ClaimsPrincipal user, HierarchyService hierarchy, WorkspaceBody body, CancellationToken ct) =>
                CreateAsync(user, hierarchy, level, body.Name, body.OrganizationId, "organization_id", ct)),
        };
        create.WithName($"Create{name}").ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden);
    }

    private static async Task<IResult> GetPlatformAsync(ClaimsPrincipal user, HierarchyService hierarchy, CancellationToken ct)
    {
        if (await ApiScope.EnsureCoversAsync(user, HierarchyDefaults.PlatformId, hierarchy, ct) is { } forbidden)
        {
            return forbidden;
        }
        return TypedResults.Ok(EntityResource.Of((await hierarchy.GetAsync(HierarchyDefaults.PlatformId, ct))!));
    }

    private static async Task<IResult> ListAsync(ClaimsPrincipal user, HierarchyService hierarchy, HierarchyLevel level, Guid? parentId, CancellationToken ct)
    {
        var items = await hierarchy.ListAsync(level, parentId, ct);
        var visible = new List<EntityResource>(items.Count);
        foreach (var item in items)
        {
            if (await ApiScope.CoversAsync(user, item.Id, hierarchy, ct))
            {
                visible.Add(EntityResource.Of(item));
            }
        }
        return TypedResults.Ok(new EntityList(visible));
    }

    private static async Task<IResult> GetEntityAsync(ClaimsPrincipal user, HierarchyService hierarchy, HierarchyLevel level, string id, CancellationToken ct)
    {
        var (entity, problem) = await FindAsync(user, hierarchy, level, id, ct);
        if (problem is not null)
        {
            return problem;
        }
        return await hierarchy.GetAsync(entity!.Id, ct) is { } item ? TypedResults.Ok(EntityResource.Of(item)) : NotFound(level, id);
    }

    private static async Task<IResult> CreateAsync(ClaimsPrincipal user, HierarchyService hierarchy, HierarchyLevel level, string? name, Guid? parentId,
        string parentField, CancellationToken ct)
    {
        // Creating below a parent is a change of the parent's subtree: the token must reach the parent.
        if (parentId is Guid parent && await ApiScope.EnsureCoversAsync(user, parent, hierarchy, ct) is { } forbidden)
        {
            return forbidden;
        }
        var result = await hierarchy.CreateAsync(level, name, parentId, ct);
        if (!result.Succeeded)
        {
            var errors = result.Errors!.ToDictionary(e => e.Key switch { "ParentId" => parentField, var other => other.ToLowerInvariant() }, e => e.Value);
            return ApiProblems.Invalid(errors);
        }
        var created = EntityResource.Of((await hierarchy.GetAsync(result.Id, ct))!);
        return TypedResults.Created($"{PathOf(level)}/{created.Id}", created);
    }

    private static async Task<IResult> DeleteEntityAsync(ClaimsPrincipal user, HierarchyService hierarchy, HierarchyLevel level, string id, CancellationToken ct)
    {
        var (entity, problem) = await FindAsync(user, hierarchy, level, id, ct);
        if (problem is not null)
        {
            return problem;
        }
        // A token may delete only below its scope: deleting its own scope entity would leave the token reaching nothing.
        if (await ApiScope.EnsureCoversAsync(user, entity!.ParentId!.Value, hierarchy, ct) is { } forbidden)
        {
            return forbidden;
        }
        var deletion = await hierarchy.DeleteAsync(entity.Id, ct);
        return deletion.Status switch
        {
            HierarchyDeleteStatus.Deleted => TypedResults.NoContent(),
            HierarchyDeleteStatus.Refused => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, detail: deletion.Message),
            _ => NotFound(level, id),
        };
    }

    private static async Task<IResult> GetCredentialAsync(ClaimsPrincipal user, HierarchyService hierarchy, HierarchyWebhookCredentials webhookCredentials,
        [FromRoute(Name = "entity_type")] string entityType, [FromRoute(Name = "entity_id")] string entityId, CancellationToken ct)
    {
        var (entity, problem) = await FindAsync(user, hierarchy, entityType, entityId, ct);
        if (problem is not null)
        {
            return problem;
        }
        return await webhookCredentials.GetAsync(entity!.Id, effective: false, ct) is { } view
            ? TypedResults.Ok(WebhookCredentialResource.Of(view))
            : NoCredentialConfigured();
    }

    private static async Task<IResult> GetEffectiveCredentialAsync(ClaimsPrincipal user, HierarchyService hierarchy, HierarchyWebhookCredentials webhookCredentials,
        [FromRoute(Name = "entity_type")] string entityType, [FromRoute(Name = "entity_id")] string entityId, CancellationToken ct)
    {
        var (entity, problem) = await FindAsync(user, hierarchy, entityType, entityId, ct);
        if (problem is not null)
        {
            return problem;
        }
        return await webhookCredentials.GetAsync(entity!.Id, effective: true, ct) is { } view
            ? TypedResults.Ok(EffectiveWebhookCredentialResource.Of(view))
            : NoCredentialConfigured();
    }

    private static async Task<IResult> SetCredentialAsync(ClaimsPrincipal user, HierarchyService hierarchy, HierarchyWebhookCredentials webhookCredentials,
        [FromRoute(Name = "entity_type")] string entityType, [FromRoute(Name = "entity_id")] string entityId, WebhookCredentialBody body, CancellationToken ct)
    {
        var (entity, problem) = await FindAsync(user, hierarchy, entityType, entityId, ct);
        if (problem is not null)
        {
            return problem;
        }
        WebhookAuthType? parsed = body.AuthType switch
        {
            "bearer" => WebhookAuthType.Bearer,
            "hmac" => WebhookAuthType.Hmac,
            "basic" => WebhookAuthType.Basic,
            _ => null,
        };
        if (parsed is not { } authType)
        {
            var message = body.AuthType is null
                ? "auth_type: required; one of bearer, hmac, basic."
                : $"auth_type: '{body.AuthType}' is not one of bearer, hmac, basic.";
            return ApiProblems.Invalid(new Dictionary<string, string[]> { ["auth_type"] = [message] });
        }

        var result = await webhookCredentials.SetAsync(entity!.Id, new WebhookCredentialRequest(authType, body.Credential, body.Secret, body.HeaderName),
            mayChangeLibrary: ApiScope.IsPlatform(user), ct);
        return result.Status switch
        {
            SaveStatus.Saved => TypedResults.Ok(WebhookCredentialResource.Of(result.View!)),
            SaveStatus.Invalid => ApiProblems.Invalid(result.Errors!),
            SaveStatus.NotFound => NotFound(entity.Level, entityId),
            _ => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, detail: "The credential was changed by another request at the same time; send it again."),
        };
    }

    private static async Task<IResult> DeleteCredentialAsync(ClaimsPrincipal user, HierarchyService hierarchy, HierarchyWebhookCredentials webhookCredentials,
        [FromRoute(Name = "entity_type")] string entityType, [FromRoute(Name = "entity_id")] string entityId, CancellationToken ct)
    {
        var (entity, problem) = await FindAsync(user, hierarchy, entityType, entityId, ct);
        if (problem is not null)
        {
            return problem;
        }
        return await webhookCredentials.ClearAsync(entity!.Id, mayChangeLibrary: ApiScope.IsPlatform(user), ct)
            ? TypedResults.Ok(new CredentialDeleted("Webhook credential deleted", "none"))
            : NotFound(entity.Level, entityId);
    }

    /// <summary>The entity of the route: 404 for an unknown type or id, 403 outside the token's scope.</summary>
    private static Task<(HierarchyShape? Entity, IResult? Problem)> FindAsync(ClaimsPrincipal user, HierarchyService hierarchy, string entityType, string id, CancellationToken ct)
    {
        if (ParseType(entityType) is not { } level)
        {
            return Task.FromResult<(HierarchyShape?, IResult?)>((null, TypedResults.Problem(statusCode: StatusCodes.Status404NotFound,
                detail: $"Unknown entity type '{entityType}': use partner, organization, workspace or platform.")));
        }
        return FindAsync(user, hierarchy, level, id, ct);
    }

    private static HierarchyLevel? ParseType(string entityType) => entityType switch
    {
        "platform" => HierarchyLevel.Platform,
        "partner" => HierarchyLevel.Partner,
        "organization" => HierarchyLevel.Organization,
        "workspace" => HierarchyLevel.Workspace,
        _ => null,
    };

    private static async Task<(HierarchyShape? Entity, IResult? Problem)> FindAsync(ClaimsPrincipal user, HierarchyService hierarchy, HierarchyLevel level, string id, CancellationToken ct)
    {
        if (!Guid.TryParse(id, out var entityId))
        {
            return (null, NotFound(level, id));
        }
        // Scope first: a scoped token learns nothing about ids outside its subtree, not even whether they exist.
        if (await ApiScope.EnsureCoversAsync(user, entityId, hierarchy, ct) is { } forbidden)
        {
            return (null, forbidden);
        }
        var entity = await hierarchy.FindAsync(entityId, ct);
        return entity is null || entity.Level != level ? (null, NotFound(level, id)) : (entity, null);
    }

    private static IResult NotFound(HierarchyLevel level, string id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, detail: $"No {TypeName(level)} with id '{id}'.");

    /// <summary>The documented fixed answer: exactly <c>{"detail": "No webhook credential configured"}</c>.</summary>
    private static IResult NoCredentialConfigured() =>
        TypedResults.Json(new NoCredential(NoCredentialDetail), statusCode: StatusCodes.Status404NotFound, contentType: "application/problem+json");

    internal static string TypeName(HierarchyLevel level) => level.DisplayName().ToLowerInvariant();

    private static string PathOf(HierarchyLevel level) => level switch
    {
        HierarchyLevel.Partner => "/api/v1/partners",
        HierarchyLevel.Organization => "/api/v1/organizations",
        _ => "/api/v1/workspaces",
    };
}

public sealed record PartnerBody(string? Name);

public sealed record OrganizationBody(string? Name, Guid? PartnerId);

public sealed record WorkspaceBody(string? Name, Guid? OrganizationId);

/// <summary>The documented POST body: auth_type bearer, hmac or basic; credential = token, key id or user name; secret for hmac and basic.</summary>
public sealed record WebhookCredentialBody(string? AuthType, string? Credential, string? Secret, string? HeaderName);

/// <summary>An entity as the API shows it; partner_id and organization_id name the parent of an organization and a workspace.</summary>
public sealed record EntityResource(
    Guid Id,
    string Name,
    string EntityType,
    Guid? ParentId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Guid? PartnerId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Guid? OrganizationId,
    bool HasWebhookCredential,
    DateTime CreatedAt,
    DateTime LastModifiedAt)
{
    public static EntityResource Of(HierarchyItem item) => new(
        item.Id,
        item.Name,
        HierarchyEndpoints.TypeName(item.Level),
        item.ParentId,
        item.Level == HierarchyLevel.Organization ? item.ParentId : null,
        item.Level == HierarchyLevel.Workspace ? item.ParentId : null,
        item.CredentialId is not null,
        DateTime.SpecifyKind(item.CreatedUtc, DateTimeKind.Utc),
        DateTime.SpecifyKind(item.LastModifiedUtc, DateTimeKind.Utc));
}

public sealed record EntityList(IReadOnlyList<EntityResource> Items);

/// <summary>The documented credential answer: no value, only the last 4 characters of the credential.</summary>
public sealed record WebhookCredentialResource(Guid CredentialId, string? CredentialHint, string AuthType, string? HeaderName)
{
    public static WebhookCredentialResource Of(WebhookCredentialView view) => new(view.CredentialId, view.CredentialHint, view.AuthType, view.HeaderName);
}

/// <summary>The effective credential: the same body plus the entity whose own credential it is.</summary>
public sealed record EffectiveWebhookCredentialResource(Guid CredentialId, string? CredentialHint, string AuthType, string? HeaderName, CredentialSource Source)
{
    public static EffectiveWebhookCredentialResource Of(WebhookCredentialView view) => new(
        view.CredentialId, view.CredentialHint, view.AuthType, view.HeaderName,
        new CredentialSource(HierarchyEndpoints.TypeName(view.Source.SourceLevel), view.Source.SourceId));
}

public sealed record CredentialSource(string EntityType, Guid EntityId);

public sealed record CredentialDeleted(string Message, string AuthType);

public sealed record NoCredential(string Detail);
