using CredentialPortal.Features.Api;
using CredentialPortal.Features.Credentials.Api;
using CredentialPortal.Features.Credentials.OAuth;
using CredentialPortal.Features.Shared;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;

namespace CredentialPortal.Features.Credentials;

/// <summary>
/// The credential library over HTTP: the Webhook Credentials tab's list, form and delete, thin over
/// <see cref="CredentialService"/> (the same listing, rules and deletion path). <c>credential_id</c> is the public id.
/// </summary>
public static class CredentialEndpoints
{
    public const string Tag = "Webhook credentials";

    private const string IdRoute = "/{credential_id:guid}";

    public static RouteGroupBuilder MapCredentialApi(this RouteGroupBuilder api)
    {
        // The library is the whole portal's: a token scoped to one partner or workspace does not reach it.
        var group = api.MapGroup("/webhook-credentials").WithTags(Tag)
            .AddEndpointFilter(async (context, next) => ApiScope.EnsurePlatform(context.HttpContext.User) ?? await next(context))
            .ProducesProblem(StatusCodes.Status403Forbidden);

        group.MapGet("/", ListAsync)
            .WithName("ListLibraryCredentials")
            .WithSummary("List credentials, a page at a time")
            .WithDescription("Paged, sorted and searched like the Webhook Credentials tab. sort: last_modified (default, newest " +
                             "first), name, type or used_by; dir: asc or desc (default: desc for last_modified, asc otherwise); q (or search): " +
                             $"a part of the name. page counts from 1; page_size is 1 to {CredentialService.MaxPageSize} (default {ListUrl.DefaultPageSize}).")
            .Produces<CredentialListResponse>()
            .ProducesValidationProblem();

        group.MapGet(IdRoute, GetAsync)
            .WithName("GetLibraryCredential")
            .WithSummary("Get one credential (no secret; an ETag for If-Match)")
            .Produces<CredentialResource>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/", CreateAsync)
            .WithName("CreateLibraryCredential")
            .WithSummary("Create a credential of any type")
            .WithDescription("The same fields and rules as the portal's form. An Idempotency-Key header (a UUID) makes a repeated " +
                             "request return the credential the first one created. Answers 201 with Location and ETag.")
            .Produces<CredentialResource>(StatusCodes.Status201Created)
            .ProducesValidationProblem();

        group.MapPut(IdRoute, UpdateAsync)
            .WithName("UpdateLibraryCredential")
            .WithSummary("Replace a credential's fields (If-Match required; the type cannot change)")
            .WithDescription("Send If-Match with the ETag a GET returned: 412 when the credential changed since, 428 without " +
                             "If-Match. The body replaces the stored fields; write-only values (secret, password, private key, " +
                             "a client_id type's value) left out keep the stored ones.")
            .Produces<CredentialResource>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired);

        group.MapDelete(IdRoute, DeleteAsync)
            .WithName("DeleteLibraryCredential")
            .WithSummary("Delete a credential")
            .WithDescription("As on the tab: alerts that chose it go to No Auth, hierarchy levels that had it fall back to their parent.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapCredentialRotation();
        return api;
    }

    private static async Task<IResult> ListAsync(
        CredentialService credentials,
        CancellationToken cancellationToken,
        [FromQuery] int? page,
        [FromQuery(Name = "page_size")] int? pageSize,
        [FromQuery] string? sort,
        [FromQuery] string? dir,
        [FromQuery] string? q,
        [FromQuery] string? search)
    {
        var errors = new Dictionary<string, string[]>();
        if (page is < 1)
        {
            errors["page"] = ["page counts from 1."];
        }
        if (pageSize is < 1 or > CredentialService.MaxPageSize)
        {
            errors["page_size"] = [$"page_size must be between 1 and {CredentialService.MaxPageSize}."];
        }
        CredentialSort? sortBy = sort?.ToLowerInvariant() switch
        {
            null or "last_modified" => CredentialSort.LastModified,
            "name" => CredentialSort.Name,
            "type" => CredentialSort.Type,
            "used_by" => CredentialSort.UsedBy,
            _ => null,
        };
        if (sortBy is null)
        {
            errors["sort"] = ["sort must be one of last_modified, name, type, used_by."];
        }
        if (dir is not null && dir.ToLowerInvariant() is not ("asc" or "desc"))
        {
            errors["dir"] = ["dir must be asc or desc."];
        }
        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        var query = new CredentialListQuery(
            Search: q ?? search,
            SortBy: sortBy!.Value,
            // As on the tab: Last Modified starts newest first, the other columns A to Z.
            Descending: ListUrl.Descending(dir, byDefault: sortBy == CredentialSort.LastModified),
            Page: (page ?? 1) - 1,
            PageSize: pageSize ?? ListUrl.DefaultPageSize);
        var found = await credentials.ListAsync(query, cancellationToken);
        var items = found.Items.Select(r => new CredentialListItem(r.PublicId, r.Name, CredentialApiNames.Of(r.Type), r.LastModifiedUtc, r.UsedBy)).ToList();
        return TypedResults.Ok(new CredentialListResponse(items, query.Page + 1, query.PageSize, found.TotalCount, found.MoreThanTotal));
    }

    private static async Task<IResult> GetAsync(
        [FromRoute(Name = "credential_id")] Guid credentialId, CredentialService credentials, HttpContext context, CancellationToken cancellationToken)
    {
        var credential = await LoadAsync(credentials, credentialId, cancellationToken);
        if (credential is null)
        {
            return NotFound();
        }
        return WithETag(context, TypedResults.Ok(CredentialResource.From(credentialId, credential)), credential.Version);
    }

    private static async Task<IResult> CreateAsync(
        CredentialRequest body,
        CredentialService credentials,
        HttpContext context,
        CancellationToken cancellationToken,
        [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey)
    {
        var (input, errors) = body.ToInput();
        if (input is null)
        {
            return ApiProblems.Invalid(errors);
        }
        if (idempotencyKey is not null)
        {
            if (!Guid.TryParse(idempotencyKey, out var key))
            {
                return ApiProblems.Invalid(new Dictionary<string, string[]> { ["Idempotency-Key"] = ["Idempotency-Key must be a UUID."] });
            }
            input.IdempotencyKey = key;
        }
        ApplyDefaults(input, input.Type, isCreate: true);

        var saved = await credentials.CreateAsync(input, cancellationToken);
        if (!saved.Succeeded)
        {
            return ApiProblems.Invalid(CredentialApiNames.Fields(saved.Errors!));
        }
        var created = await credentials.GetForEditAsync(saved.Id, cancellationToken);
        if (created is null)
        {
            return NotFound(); // deleted at once by someone else
        }
        var publicId = created.PublicId;
        var resource = CredentialResource.From(publicId, created);
        return WithETag(context, TypedResults.Created($"{context.Request.PathBase}{context.Request.Path.Value?.TrimEnd('/')}/{publicId}", resource), created.Version);
    }

    private static async Task<IResult> UpdateAsync(
        [FromRoute(Name = "credential_id")] Guid credentialId,
        CredentialRequest body,
        CredentialService credentials,
        HttpContext context,
        CancellationToken cancellationToken,
        [FromHeader(Name = "If-Match")] string? ifMatch)
    {
        var id = await credentials.FindIdAsync(credentialId, cancellationToken);
        var stored = id is int found ? await credentials.GetForEditAsync(found, cancellationToken) : null;
        if (stored is null)
        {
            return NotFound();
        }
        if (string.IsNullOrWhiteSpace(ifMatch))
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status428PreconditionRequired,
                title: "If-Match required",
                detail: "Send If-Match with the ETag a GET of this credential returned, so that a change made since is not overwritten.");
        }

        var (input, errors) = body.ToInput();
        if (input is null)
        {
            return ApiProblems.Invalid(errors);
        }
        ApplyDefaults(input, input.Type ?? stored.Type, isCreate: false);
        // A list of tags may name the current version; "*" stands for whatever is stored now.
        input.Version = MatchedVersion(ifMatch, stored.Version) ?? -1;

        var saved = await credentials.UpdateAsync(stored.Id, input, cancellationToken);
        switch (saved.Status)
        {
            case SaveStatus.NotFound:
                return NotFound();
            case SaveStatus.Invalid:
                return ApiProblems.Invalid(CredentialApiNames.Fields(saved.Errors!));
            case SaveStatus.Conflict:
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status412PreconditionFailed,
                    title: "Credential changed",
                    detail: "The credential was changed after the ETag in If-Match was read; nothing was saved. GET it again, then retry.");
        }
        var updated = await credentials.GetForEditAsync(stored.Id, cancellationToken);
        return updated is null
            ? NotFound()
            : WithETag(context, TypedResults.Ok(CredentialResource.From(credentialId, updated)), updated.Version);
    }

    private static async Task<IResult> DeleteAsync(
        [FromRoute(Name = "credential_id")] Guid credentialId, CredentialService credentials, CancellationToken cancellationToken)
    {
        var id = await credentials.FindIdAsync(credentialId, cancellationToken);
        return id is int found && await credentials.DeleteAsync(found, cancellationToken) ? TypedResults.NoContent() : NotFound();
    }

    private static async Task<CredentialForEdit?> LoadAsync(CredentialService credentials, Guid credentialId, CancellationToken cancellationToken) =>
        await credentials.FindIdAsync(credentialId, cancellationToken) is int id ? await credentials.GetForEditAsync(id, cancellationToken) : null;

    /// <summary>
    /// What a script leaves out takes the form's starting values: the type's own header name. A new JWT client without
    /// a key gets a new key pair, as the form's Generate key pair makes one (the response shows its public half); on
    /// update a key left out keeps the stored one.
    /// </summary>
    private static void ApplyDefaults(CredentialInput input, CredentialType? type, bool isCreate)
    {
        if (type is not { } known)
        {
            return;
        }
        if (string.IsNullOrWhiteSpace(input.FieldName))
        {
            input.FieldName = known.DefaultFieldName();
        }
        if (known == CredentialType.OAuth2 && input.GrantType == OAuthGrantType.ClientCredentialsWithJwt && isCreate
            && input.PrivateKeyPem is null && Enum.IsDefined(input.SigningAlgorithm))
        {
            input.PrivateKeyPem = OAuthKeys.Generate(input.SigningAlgorithm).PrivateKeyPem;
        }
    }

    /// <summary>The ETag of a version: strong, so that If-Match compares it exactly.</summary>
    public static string ETagOf(int version) => $"\"{version}\"";

    /// <summary>The version an If-Match header names when it matches the stored one, else null.</summary>
    private static int? MatchedVersion(string ifMatch, int storedVersion)
    {
        if (!EntityTagHeaderValue.TryParseList([ifMatch], out var tags))
        {
            return null;
        }
        var current = new EntityTagHeaderValue(ETagOf(storedVersion));
        return tags.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || tag.Compare(current, useStrongComparison: true)) ? storedVersion : null;
    }

    private static IResult WithETag(HttpContext context, IResult result, int version)
    {
        context.Response.Headers.ETag = ETagOf(version);
        return result;
    }

    private static ProblemHttpResult NotFound() => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: "Not found",
        detail: "No webhook credential has this credential_id.");
}
