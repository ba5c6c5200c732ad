using Microsoft.AspNetCore.Http.HttpResults;

namespace CredentialPortal.Features.Api;

public static class ApiProblems
{
    /// <summary>400 problem details: the messages by field in <c>errors</c>, and all of them in <c>detail</c>, which every API error carries.</summary>
    public static ValidationProblem Invalid(IEnumerable<KeyValuePair<string, string[]>> errors)
    {
        var fields = errors.ToList();
        return TypedResults.ValidationProblem(fields, detail: string.Join(" ", fields.SelectMany(e => e.Value)));
    }
}
