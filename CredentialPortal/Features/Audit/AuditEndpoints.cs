using CredentialPortal.Features.Api;
using CredentialPortal.Features.Shared;
using CredentialPortal.Features.Users;
using Microsoft.AspNetCore.Mvc;

namespace CredentialPortal.Features.Audit;

/// <summary>
/// <c>GET /api/v1/audit</c>: the audit log for administrators, newest first, filtered and paged as the Audit log page
/// is (the same <see cref="AuditService"/>). Read-only: no route changes or deletes an entry.
/// </summary>
public static class AuditEndpoints
{
    public const string Tag = "Audit";

    public static RouteGroupBuilder MapAuditApi(this RouteGroupBuilder api)
    {
        // The whole portal's trail: administrators' tokens, scoped to the platform.
        var group = api.MapGroup("/audit").WithTags(Tag)
            .RequireAuthorization(PortalPolicies.Administrator)
            .AddEndpointFilter(async (context, next) => ApiScope.EnsurePlatform(context.HttpContext.User) ?? await next(context))
            .ProducesProblem(StatusCodes.Status403Forbidden);

        group.MapGet("/", ListAsync)
            .WithName("ListAuditEntries")
            .WithSummary("List audit entries, newest first")
            .WithDescription("Who changed what and when; a secret field appears as \"Secret changed\", never with a value. " +
                             "actor: who acted, exactly as recorded (an email, a token's name, system); object_type (credential, " +
                             "alert, hierarchy, api-token, user, delivery) and object_id; from (inclusive) and to (exclusive), " +
                             $"ISO 8601. page counts from 1; page_size is 1 to {AuditService.MaxPageSize} (default {ListUrl.DefaultPageSize}).")
            .Produces<AuditListResponse>()
            .ProducesValidationProblem();

        return api;
    }

    private static async Task<IResult> ListAsync(
        AuditService audit,
        CancellationToken cancellationToken,
        [FromQuery] string? actor,
        [FromQuery(Name = "object_type")] string? objectType,
        [FromQuery(Name = "object_id")] string? objectId,
        [FromQuery] DateTimeOffset? from,
        [FromQuery] DateTimeOffset? to,
        [FromQuery] int? page,
        [FromQuery(Name = "page_size")] int? pageSize)
    {
        var errors = new Dictionary<string, string[]>();
        if (objectType is not null && !AuditService.ObjectTypes.Contains(objectType.Trim().ToLowerInvariant()))
        {
            errors["object_type"] = [$"object_type must be one of {string.Join(", ", AuditService.ObjectTypes)}."];
        }
        if (objectId is not null && objectType is null)
        {
            errors["object_id"] = ["object_id needs object_type: ids are unique within a type."];
        }
        if (from is not null && to is not null && from >= to)
        {
            errors["to"] = ["to must be later than from."];
        }
        if (page is < 1)
        {
            errors["page"] = ["page counts from 1."];
        }
        if (pageSize is < 1 or > AuditService.MaxPageSize)
        {
            errors["page_size"] = [$"page_size must be between 1 and {AuditService.MaxPageSize}."];
        }
        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        var query = new AuditQuery(actor, objectType, objectId, from?.UtcDateTime, to?.UtcDateTime,
            (page ?? 1) - 1, pageSize ?? ListUrl.DefaultPageSize);
        var found = await audit.ListAsync(query, cancellationToken);
        return TypedResults.Ok(new AuditListResponse(
            found.Items.Select(AuditItem.Of).ToList(), query.Page + 1, query.PageSize, found.Total, found.MoreThanTotal));
    }
}

/// <summary>One field of an entry: a secret one says "Secret changed" and carries no value.</summary>
public sealed record AuditItemChange(string Field, string? From, string? To, bool Secret)
{
    public static AuditItemChange Of(AuditChange change) => change.Secret
        ? new(change.Field, null, AuditChange.SecretChanged, true)
        : new(change.Field, change.From, change.To, false);
}

/// <summary>An entry: when (<c>at</c>), who (<c>actor</c>), what (<c>action</c>), which object, and which fields changed.</summary>
public sealed record AuditItem(
    long Id,
    DateTime At,
    string Actor,
    string Action,
    string ObjectType,
    string? ObjectId,
    string? ObjectName,
    IReadOnlyList<AuditItemChange> Changes)
{
    public static AuditItem Of(AuditRow row) => new(
        row.Id, DateTime.SpecifyKind(row.AtUtc, DateTimeKind.Utc), row.Actor, row.Action, row.ObjectType, row.ObjectId, row.ObjectName,
        row.Changes.Select(AuditItemChange.Of).ToList());
}

/// <summary>A page of entries. <see cref="TotalIsLowerBound"/>: counting stopped early, and more than <see cref="Total"/> match.</summary>
public sealed record AuditListResponse(IReadOnlyList<AuditItem> Items, int Page, int PageSize, int Total, bool TotalIsLowerBound);
