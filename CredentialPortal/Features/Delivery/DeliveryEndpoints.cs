using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization;
using CredentialPortal.Features.Api;
using CredentialPortal.Features.Hierarchy;
using Microsoft.AspNetCore.Mvc;

namespace CredentialPortal.Features.Delivery;

/// <summary>
/// Firing alerts and reading their deliveries over HTTP, thin over <see cref="DeliveryService"/>: a fire answers 202 once
/// the delivery is committed, and the worker sends it. <c>alert_id</c> is the number in the alert's page URL;
/// <c>delivery_id</c> is the delivery's public id.
/// </summary>
public static class DeliveryEndpoints
{
    public const string Tag = "Deliveries";
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    /// <summary>Deliveries per page of the list when no limit is given.</summary>
    public const int DefaultLimit = 25;

    public static RouteGroupBuilder MapDeliveryApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("").WithTags(Tag);

        group.MapPost("/alerts/{alert_id:int}/fire", FireAsync)
            .WithName("FireAlert")
            .WithSummary("Fire an alert: its webhook is sent in the background")
            .WithDescription("Any JSON body (or none) is the event data, sent as the webhook body's data. Answers 202 with the " +
                             "delivery_id once the delivery is stored; a worker sends it, retrying on the schedule. An " +
                             $"{IdempotencyKeyHeader} header (1 to {DeliveryService.IdempotencyKeyMaxLength} characters) makes a " +
                             "repeated fire answer the first delivery instead of sending again. 409 when the alert has no webhook " +
                             "or its webhook is off (its receiver answered 410 Gone).")
            .Produces<DeliveryAccepted>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapPost("/events", FireEventAsync)
            .WithName("FirePlatformEvent")
            .WithSummary("Fire a platform event in a workspace: every enabled alert on it sends")
            .WithDescription("One delivery per Platform Event alert of the workspace on this event whose webhook is on; " +
                             "delivery_ids is empty when none is. event is a platform event key (e.g. deployment.failed); data " +
                             $"is any JSON. {IdempotencyKeyHeader} works as on the fire route, per alert.")
            .Produces<DeliveriesAccepted>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/deliveries", ListAsync)
            .WithName("ListDeliveries")
            .WithSummary("List deliveries, newest first, a page at a time")
            .WithDescription("Filters: alert_id; status (pending, delivering, delivered, failed); from and to (created at, ISO " +
                             $"8601, from inclusive, to exclusive). limit is 1 to {DeliveryService.MaxLimit} (default " +
                             $"{DefaultLimit}); pass next_cursor back as cursor for the next (older) page, null on the last. " +
                             "A token scoped below the platform must name alert_id (an alert in its scope). Items leave out " +
                             "body and attempts: GET the delivery for them.")
            .Produces<DeliveryList>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/deliveries/{delivery_id:guid}", GetAsync)
            .WithName("GetDelivery")
            .WithSummary("Get one delivery with its body and every attempt")
            .Produces<DeliveryResource>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/deliveries/{delivery_id:guid}/replay", ReplayAsync)
            .WithName("ReplayDelivery")
            .WithSummary("Send a delivered or failed delivery again, with the same webhook-id")
            .WithDescription("The delivery is due at once with a fresh retry schedule; the body is the one stored. 409 while it " +
                             "is still pending or delivering, or when the alert's webhook is off.")
            .Produces<DeliveryAccepted>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapPost("/alerts/{alert_id:int}/replay-failed", ReplayFailedAsync)
            .WithName("ReplayFailedDeliveries")
            .WithSummary("Send again every failed delivery of an alert created since a time")
            .WithDescription("since: ISO 8601 time (UTC unless it carries an offset, as the list's from and to); the failed deliveries created at or after it are " +
                             "sent again, each with its own webhook-id. 409 when the alert's webhook is off.")
            .Produces<DeliveriesAccepted>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        return api;
    }

    private static async Task<IResult> FireAsync(
        [FromRoute(Name = "alert_id")] int alertId,
        [FromBody] JsonElement? data,
        [FromHeader(Name = IdempotencyKeyHeader)] string? idempotencyKey,
        ClaimsPrincipal user,
        DeliveryService deliveries,
        CancellationToken ct)
    {
        var result = await deliveries.FireAsync(alertId, data, idempotencyKey, ScopeOf(user), ct);
        return result.Status == DeliveryCommandStatus.Accepted ? Accepted(result.DeliveryIds[0]) : Refused(result);
    }

    private static async Task<IResult> FireEventAsync(
        EventBody body,
        [FromHeader(Name = IdempotencyKeyHeader)] string? idempotencyKey,
        ClaimsPrincipal user,
        DeliveryService deliveries,
        CancellationToken ct)
    {
        if (body.WorkspaceId is not { } workspaceId)
        {
            return Invalid("workspace_id", "workspace_id: required; the id of the workspace the event happened in.");
        }
        var result = await deliveries.FireEventAsync(body.Event, workspaceId, body.Data, idempotencyKey, ScopeOf(user), ct);
        return result.Status == DeliveryCommandStatus.Accepted
            ? TypedResults.Accepted((string?)null, new DeliveriesAccepted(result.DeliveryIds))
            : Refused(result);
    }

    private static async Task<IResult> ListAsync(
        ClaimsPrincipal user,
        DeliveryService deliveries,
        HierarchyService hierarchy,
        CancellationToken ct,
        [FromQuery(Name = "alert_id")] int? alertId,
        [FromQuery] string? status,
        [FromQuery] DateTimeOffset? from,
        [FromQuery] DateTimeOffset? to,
        [FromQuery] int? limit,
        [FromQuery] string? cursor)
    {
        var errors = new Dictionary<string, string[]>();
        DeliveryStatus? statusFilter = null;
        if (status is not null)
        {
            statusFilter = DeliveryStatusNames.FromWireName(status);
            if (statusFilter is null)
            {
                errors["status"] = [$"status must be one of {string.Join(", ", Enum.GetValues<DeliveryStatus>().Select(s => s.WireName()))}."];
            }
        }
        if (limit is < 1 or > DeliveryService.MaxLimit)
        {
            errors["limit"] = [$"limit must be between 1 and {DeliveryService.MaxLimit}."];
        }
        long? beforeId = null;
        if (cursor is not null)
        {
            if (long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0)
            {
                beforeId = id;
            }
            else
            {
                errors["cursor"] = ["cursor must be a next_cursor this route returned."];
            }
        }
        // Scoped tokens read one alert's log at a time: its index serves the page, and one check covers the scope.
        if (alertId is null && !ApiScope.IsPlatform(user))
        {
            errors["alert_id"] = ["alert_id: required with a token scoped below the platform; name an alert in the token's scope."];
        }
        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }
        if (alertId is int alert)
        {
            if (await deliveries.GetAlertWorkspaceAsync(alert, ct) is not { } workspaceId)
            {
                return Problem(StatusCodes.Status404NotFound, "No alert has this id.");
            }
            if (await ApiScope.EnsureCoversAsync(user, workspaceId, hierarchy, ct) is { } forbidden)
            {
                return forbidden;
            }
        }

        var page = await deliveries.ListAsync(new DeliveryQuery(alertId, statusFilter, from?.UtcDateTime, to?.UtcDateTime, beforeId,
            limit ?? DefaultLimit), ct);
        return TypedResults.Ok(new DeliveryList(
            page.Items.Select(d => DeliveryResource.Of(d)).ToList(),
            page.NextBeforeId?.ToString(CultureInfo.InvariantCulture)));
    }

    private static async Task<IResult> GetAsync(
        [FromRoute(Name = "delivery_id")] Guid deliveryId,
        ClaimsPrincipal user,
        DeliveryService deliveries,
        HierarchyService hierarchy,
        CancellationToken ct)
    {
        if (await deliveries.GetAsync(deliveryId, ct) is not { } delivery)
        {
            return Problem(StatusCodes.Status404NotFound, "No delivery has this id.");
        }
        return await ApiScope.EnsureCoversAsync(user, delivery.WorkspaceId, hierarchy, ct)
               ?? TypedResults.Ok(DeliveryResource.Of(delivery, withDetails: true));
    }

    private static async Task<IResult> ReplayAsync(
        [FromRoute(Name = "delivery_id")] Guid deliveryId,
        ClaimsPrincipal user,
        DeliveryService deliveries,
        CancellationToken ct)
    {
        var result = await deliveries.ReplayAsync(deliveryId, ScopeOf(user), ct);
        return result.Status == DeliveryCommandStatus.Accepted ? Accepted(deliveryId) : Refused(result);
    }

    private static async Task<IResult> ReplayFailedAsync(
        [FromRoute(Name = "alert_id")] int alertId,
        ReplayFailedBody body,
        ClaimsPrincipal user,
        DeliveryService deliveries,
        CancellationToken ct)
    {
        // Read as the list's from and to are: a time without an offset is UTC, not the server's zone.
        if (!DateTimeOffset.TryParse(body.Since, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var since))
        {
            return Invalid("since", "since: required; an ISO 8601 time such as 2026-01-31T00:00:00Z.");
        }
        var result = await deliveries.ReplayFailedSinceAsync(alertId, since.UtcDateTime, ScopeOf(user), ct);
        return result.Status == DeliveryCommandStatus.Accepted
            ? TypedResults.Accepted((string?)null, new DeliveriesAccepted(result.DeliveryIds))
            : Refused(result);
    }

    /// <summary>
    /// The token's scope for <see cref="DeliveryService"/>, where null means "unrestricted" (the portal's pages). A token
    /// always carries one; should its claim ever be unreadable, the empty id reaches nothing rather than everything.
    /// </summary>
    private static Guid ScopeOf(ClaimsPrincipal user) => ApiScope.ScopeOf(user) ?? Guid.Empty;

    /// <summary>202 with the delivery's id and, in Location, where to watch it.</summary>
    private static IResult Accepted(Guid deliveryId) =>
        TypedResults.Accepted($"{ApiEndpoints.Prefix}/v1/deliveries/{deliveryId}", new DeliveryAccepted(deliveryId));

    private static IResult Refused(DeliveryCommandResult result) => result.Status switch
    {
        DeliveryCommandStatus.NotFound => Problem(StatusCodes.Status404NotFound, result.Reason),
        DeliveryCommandStatus.Forbidden => ApiScope.Forbidden(result.Reason ?? ApiScope.OutsideScope),
        DeliveryCommandStatus.Conflict => Problem(StatusCodes.Status409Conflict, result.Reason),
        _ => Invalid(ApiField(result.Field), result.Reason ?? "The request is not valid."),
    };

    /// <summary>The service names its inputs; the API's names for them.</summary>
    private static string ApiField(string? field) => field switch
    {
        nameof(DeliveryInput.IdempotencyKey) => IdempotencyKeyHeader,
        nameof(DeliveryInput.Event) => "event",
        _ => field ?? "request",
    };

    private static IResult Problem(int status, string? detail) => TypedResults.Problem(statusCode: status, detail: detail);

    private static IResult Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, detail: message);
}

/// <summary>The body of <c>POST /api/v1/events</c>.</summary>
public sealed record EventBody(string? Event, Guid? WorkspaceId, JsonElement? Data);

/// <summary>The body of <c>POST /api/v1/alerts/{alert_id}/replay-failed</c>.</summary>
/// <remarks>Since is text, read as the list's from and to are (a time without an offset is UTC); JSON's own reading of a
/// DateTimeOffset takes such a time in the server's zone.</remarks>
public sealed record ReplayFailedBody(string? Since);

public sealed record DeliveryAccepted(Guid DeliveryId);

public sealed record DeliveriesAccepted(IReadOnlyList<Guid> DeliveryIds);

/// <summary>A page of the log; <see cref="NextCursor"/> is the <c>cursor</c> of the next, older page (null on the last).</summary>
public sealed record DeliveryList(IReadOnlyList<DeliveryResource> Items, string? NextCursor);

/// <summary>
/// A delivery as the API shows it. <see cref="Body"/> is the JSON sent on every attempt; it and <see cref="Attempts"/> are
/// left out of lists.
/// </summary>
public sealed record DeliveryResource(
    Guid DeliveryId,
    int AlertId,
    string AlertName,
    string Status,
    bool IsTest,
    string WebhookId,
    DateTime CreatedAt,
    DateTime? NextAttemptAt,
    DateTime? LastAttemptAt,
    DateTime? CompletedAt,
    int AttemptCount,
    int? StatusCode,
    string? Error,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] JsonElement? Body,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<DeliveryAttemptResource>? Attempts)
{
    public static DeliveryResource Of(DeliveryView view, bool withDetails = false) => new(
        view.DeliveryId,
        view.AlertId,
        view.AlertName,
        view.Status.WireName(),
        view.IsTest,
        view.WebhookId,
        Utc(view.CreatedAtUtc),
        Utc(view.NextAttemptAtUtc),
        Utc(view.LastAttemptAtUtc),
        Utc(view.CompletedAtUtc),
        view.AttemptCount,
        view.StatusCode,
        view.Error,
        withDetails && view.Body is { } body ? JsonDocument.Parse(body).RootElement.Clone() : null,
        withDetails ? view.Attempts.Select(DeliveryAttemptResource.Of).ToList() : null);

    // SQLite hands times back without a kind; they are stored as UTC.
    internal static DateTime Utc(DateTime time) => DateTime.SpecifyKind(time, DateTimeKind.Utc);

    internal static DateTime? Utc(DateTime? time) => time is { } t ? Utc(t) : null;
}

/// <summary>One request of a delivery: when, how long, the answer, and the request as sent with credentials masked.</summary>
public sealed record DeliveryAttemptResource(DateTime At, int? StatusCode, string? Error, int DurationMs, DeliveryRequestResource Request)
{
    public static DeliveryAttemptResource Of(DeliveryAttemptView attempt) => new(
        DeliveryResource.Utc(attempt.AttemptedAtUtc),
        attempt.StatusCode,
        attempt.Error,
        attempt.DurationMs,
        new DeliveryRequestResource(attempt.Method, attempt.Url, Headers(attempt.Headers)));

    /// <summary>The log keeps one "Name: value" per line; a header sent twice reads as one, its values joined as HTTP allows.</summary>
    private static Dictionary<string, string> Headers(string lines)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = line.IndexOf(':');
            if (colon <= 0)
            {
                continue;
            }
            var name = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            headers[name] = headers.TryGetValue(name, out var earlier) ? $"{earlier}, {value}" : value;
        }
        return headers;
    }
}

/// <summary>The request as the log shows it: the URL and header values of a credential are masked (****).</summary>
public sealed record DeliveryRequestResource(string Method, string Url, IReadOnlyDictionary<string, string> Headers);
