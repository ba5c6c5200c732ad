using CredentialPortal.Features.Credentials;
using CredentialPortal.Features.Shared;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CredentialPortal.Tests.Features.Credentials;

public sealed class CredentialServiceTests : IAsyncLifetime
{
    private PortalTestDatabase database = default!;
    private CredentialService Service => database.Credentials;

    public async Task InitializeAsync() => database = await PortalTestDatabase.CreateAsync();

    public async Task DisposeAsync() => await database.DisposeAsync();

    private async Task<int> CreateAsync(CredentialInput input)
    {
        var result = await Service.CreateAsync(input);
        Assert.Equal(SaveStatus.Saved, result.Status);
        database.Clock.Advance(TimeSpan.FromMinutes(1));
        return result.Id;
    }

    private async Task<string[]> NamesAsync(CredentialListQuery query) =>
        (await Service.ListAsync(query)).Items.Select(i => i.Name).ToArray();

    [Fact]
    public async Task Lists_most_recently_modified_first_and_an_edit_moves_a_credential_to_the_top()
    {
        var first = await CreateAsync(CredentialInputs.ClientId("first"));
        await CreateAsync(CredentialInputs.ClientId("second"));
        await CreateAsync(CredentialInputs.ClientIdAndSecret("third"));

        Assert.Equal(["third", "second", "first"], await NamesAsync(new CredentialListQuery()));

        var edit = (await Service.GetForEditAsync(first))!.ToInput();
        edit.FieldName = "x-client";
        Assert.Equal(SaveStatus.Saved, (await Service.UpdateAsync(first, edit)).Status);

        var page = await Service.ListAsync(new CredentialListQuery());
        Assert.Equal(["first", "third", "second"], page.Items.Select(i => i.Name));
        Assert.Equal(3, page.TotalCount);
        Assert.Equal(database.Clock.GetUtcNow().UtcDateTime, page.Items[0].LastModifiedUtc);
    }

    [Theory]
    [InlineData(CredentialSort.Name, false, new[] { "alpha", "Bravo", "charlie" })]
    [InlineData(CredentialSort.Name, true, new[] { "charlie", "Bravo", "alpha" })]
    [InlineData(CredentialSort.Type, false, new[] { "charlie", "alpha", "Bravo" })]
    [InlineData(CredentialSort.Type, true, new[] { "Bravo", "alpha", "charlie" })]
    [InlineData(CredentialSort.LastModified, false, new[] { "Bravo", "alpha", "charlie" })]
    [InlineData(CredentialSort.LastModified, true, new[] { "charlie", "alpha", "Bravo" })]
    public async Task Sorts_by_each_column_both_ways(CredentialSort sort, bool descending, string[] expected)
    {
        await CreateAsync(CredentialInputs.ClientIdAndSecret("Bravo"));
        await CreateAsync(CredentialInputs.ClientId("alpha"));
        await CreateAsync(CredentialInputs.ClientId("charlie"));

        Assert.Equal(expected, await NamesAsync(new CredentialListQuery(SortBy: sort, Descending: descending)));
    }

    [Theory]
    [InlineData(CredentialSort.LastModified, true)]
    [InlineData(CredentialSort.LastModified, false)]
    [InlineData(CredentialSort.Name, false)]
    [InlineData(CredentialSort.Name, true)]
    [InlineData(CredentialSort.Type, false)]
    [InlineData(CredentialSort.Type, true)]
    public async Task Every_page_matches_the_full_order_including_pages_read_from_the_end(CredentialSort sort, bool descending)
    {
        // Duplicate names and types make the tie-breakers matter.
        for (var i = 0; i < 11; i++)
        {
            await CreateAsync(i % 3 == 0 ? CredentialInputs.ClientIdAndSecret($"n{i % 4}") : CredentialInputs.ClientId($"n{i % 4}"));
        }

        var all = (await Service.ListAsync(new CredentialListQuery(SortBy: sort, Descending: descending, PageSize: 100))).Items;
        var paged = new List<CredentialRow>();
        for (var page = 0; page < 4; page++)
        {
            var result = await Service.ListAsync(new CredentialListQuery(SortBy: sort, Descending: descending, Page: page, PageSize: 3));
            Assert.Equal(11, result.TotalCount);
            paged.AddRange(result.Items);
        }

        Assert.Equal(all.Select(r => r.Id), paged.Select(r => r.Id));
        Assert.Empty((await Service.ListAsync(new CredentialListQuery(Page: 4, PageSize: 3))).Items);
    }

    [Fact]
    public async Task Search_finds_name_fragments_case_insensitively_and_follows_renames_and_deletes()
    {
        var stripe = await CreateAsync(CredentialInputs.ClientId("Stripe production"));
        await CreateAsync(CredentialInputs.ClientId("PagerDuty staging"));
        await CreateAsync(CredentialInputs.ClientId("100% \"quoted\" o_k"));

        Assert.Equal(["Stripe production"], await NamesAsync(new CredentialListQuery("ripe")));
        Assert.Equal(["Stripe production"], await NamesAsync(new CredentialListQuery("STRIPE")));
        Assert.Equal(1, (await Service.ListAsync(new CredentialListQuery("ion"))).TotalCount);
        Assert.Equal(["100% \"quoted\" o_k"], await NamesAsync(new CredentialListQuery("\"quoted\"")));
        Assert.Equal(["100% \"quoted\" o_k"], await NamesAsync(new CredentialListQuery("%")));
        Assert.Equal(["100% \"quoted\" o_k"], await NamesAsync(new CredentialListQuery("o_")));
        Assert.Equal(["PagerDuty staging", "Stripe production"], await NamesAsync(new CredentialListQuery("r", CredentialSort.Name, false)));
        Assert.Empty(await NamesAsync(new CredentialListQuery("nothing like it")));

        var edit = (await Service.GetForEditAsync(stripe))!.ToInput();
        edit.Name = "Adyen live";
        await Service.UpdateAsync(stripe, edit);
        Assert.Empty(await NamesAsync(new CredentialListQuery("stripe")));
        Assert.Equal(["Adyen live"], await NamesAsync(new CredentialListQuery("dyen")));

        await Service.DeleteAsync(stripe);
        Assert.Empty(await NamesAsync(new CredentialListQuery("dyen")));
    }

    [Theory]
    [InlineData(CredentialSort.LastModified, true)]
    [InlineData(CredentialSort.Name, false)]
    [InlineData(CredentialSort.Type, true)]
    public async Task Paging_a_broad_search_matches_the_full_order(CredentialSort sort, bool descending)
    {
        // Over 500 matches the service walks the sort index instead of sorting the matches: both must agree.
        await using (var db = await database.CreateDbContextAsync())
        {
            var start = database.Clock.GetUtcNow().UtcDateTime;
            db.Credentials.AddRange(Enumerable.Range(0, 620).Select(i => new Credential
            {
                Name = i % 5 == 0 ? $"other {i}" : $"bulk {i % 37}",
                Type = i % 3 == 0 ? CredentialType.ClientIdAndSecret : CredentialType.ClientId,
                FieldName = "clientid",
                ProtectedClientId = "not-read-here",
                CreatedUtc = start,
                LastModifiedUtc = start.AddSeconds(i % 50),
                Version = 1,
            }));
            await db.SaveChangesAsync();
        }

        List<int> expected;
        await using (var db = await database.CreateDbContextAsync())
        {
            // The database orders all rows; the matches are picked here, so that the expectation uses no LIKE (which
            // PostgreSQL refuses on the case-insensitive name column).
            var all = db.Credentials;
            var ordered = await ((sort, descending) switch
            {
                (CredentialSort.Name, false) => all.OrderBy(c => c.Name).ThenBy(c => c.Id),
                (CredentialSort.Type, true) => all.OrderByDescending(c => c.Type).ThenBy(c => c.LastModifiedUtc).ThenBy(c => c.Id),
                _ => all.OrderByDescending(c => c.LastModifiedUtc).ThenByDescending(c => c.Id),
            }).Select(c => new { c.Id, c.Name }).ToListAsync();
            expected = [.. ordered.Where(c => c.Name.StartsWith("bulk", StringComparison.Ordinal)).Select(c => c.Id)];
        }

        var paged = new List<int>();
        for (var page = 0; page < 5; page++)
        {
            var result = await Service.ListAsync(new CredentialListQuery("bulk", sort, descending, page, 100));
            Assert.Equal(496, result.TotalCount);
            paged.AddRange(result.Items.Select(r => r.Id));
        }
        Assert.Equal(expected, paged);
    }

    [Fact]
    public async Task Search_count_is_the_number_of_matches_not_of_the_page()
    {
        for (var i = 0; i < 30; i++)
        {
            await CreateAsync(CredentialInputs.ClientId(i % 2 == 0 ? $"webhook even {i}" : $"webhook odd {i}"));
        }

        var page = await Service.ListAsync(new CredentialListQuery("even", PageSize: 10));
        Assert.Equal(15, page.TotalCount);
        Assert.Equal(10, page.Items.Count);
        Assert.All(page.Items, r => Assert.Contains("even", r.Name));
    }

    [Fact]
    public async Task Invalid_input_is_refused_with_a_message_per_field_and_nothing_is_saved()
    {
        var result = await Service.CreateAsync(new CredentialInput { Name = " ", Type = CredentialType.ClientIdAndSecret, FieldName = "" });

        Assert.Equal(SaveStatus.Invalid, result.Status);
        Assert.Equal(["Name is required."], result.Errors!["Name"]);
        Assert.Equal(["Field Name is required."], result.Errors["FieldName"]);
        Assert.Equal(["Client ID is required."], result.Errors["ClientId"]);
        Assert.Equal(["Secret is required."], result.Errors["Secret"]);
        Assert.Equal(0, (await Service.ListAsync(new CredentialListQuery())).TotalCount);
    }

    [Fact]
    public async Task Changing_the_type_of_a_saved_credential_is_refused_and_changes_nothing()
    {
        var id = await CreateAsync(CredentialInputs.ClientId("typed", value: "value-1234"));
        var edit = (await Service.GetForEditAsync(id))!.ToInput();
        edit.Type = CredentialType.ClientIdAndSecret;
        edit.Name = "renamed";
        edit.Secret = "new-secret";

        var result = await Service.UpdateAsync(id, edit);

        Assert.Equal(SaveStatus.Invalid, result.Status);
        Assert.Contains("delete it and create a new one", result.Errors!["Type"][0]);
        var stored = await Service.GetForEditAsync(id);
        Assert.Equal(CredentialType.ClientId, stored!.Type);
        Assert.Equal("typed", stored.Name);
        Assert.Equal(1, stored.Version);
    }

    [Fact]
    public async Task An_empty_secret_on_edit_keeps_the_saved_one_and_a_typed_one_replaces_it()
    {
        var id = await CreateAsync(CredentialInputs.ClientIdAndSecret(clientId: "link", secret: "epona"));

        var edit = (await Service.GetForEditAsync(id))!.ToInput();
        Assert.Null(edit.ClientId);
        Assert.Null(edit.Secret);
        edit.Location = CredentialLocation.QueryParam;
        Assert.Equal(SaveStatus.Saved, (await Service.UpdateAsync(id, edit)).Status);

        var kept = await Service.ResolveAsync(id);
        Assert.Equal(("link", "epona", CredentialLocation.QueryParam), (kept!.ClientId, kept.Secret, kept.Location));

        edit = (await Service.GetForEditAsync(id))!.ToInput();
        edit.Secret = "zelda-and-epona";
        Assert.Equal(SaveStatus.Saved, (await Service.UpdateAsync(id, edit)).Status);
        var replaced = await Service.ResolveAsync(id);
        Assert.Equal(("link", "zelda-and-epona"), (replaced!.ClientId, replaced.Secret));
    }

    [Fact]
    public async Task The_edit_view_carries_only_hints_of_long_enough_secrets()
    {
        // 12 characters or more keep a hint; "client-0001" (11) gives away too much of itself in 4.
        var longId = await CreateAsync(CredentialInputs.ClientIdAndSecret(clientId: "client-00000001", secret: "sk_live_abcdefWXYZ"));
        var shortId = await CreateAsync(CredentialInputs.ClientIdAndSecret(clientId: "client-0001", secret: "epona"));

        var withHints = await Service.GetForEditAsync(longId);
        Assert.Equal(("0001", "WXYZ", true), (withHints!.ClientIdHint, withHints.SecretHint, withHints.HasSecret));
        var noHints = await Service.GetForEditAsync(shortId);
        Assert.Equal((null, null, true), (noHints!.ClientIdHint, noHints.SecretHint, noHints.HasSecret));
    }

    [Fact]
    public async Task A_save_based_on_an_older_version_is_refused_and_overwrites_nothing()
    {
        var id = await CreateAsync(CredentialInputs.ClientId("shared", value: "original"));
        var alice = (await Service.GetForEditAsync(id))!.ToInput();
        var bob = (await Service.GetForEditAsync(id))!.ToInput();

        alice.Name = "alice was here";
        Assert.Equal(SaveStatus.Saved, (await Service.UpdateAsync(id, alice)).Status);

        bob.Name = "bob was here";
        bob.ClientId = "bobs-value";
        Assert.Equal(SaveStatus.Conflict, (await Service.UpdateAsync(id, bob)).Status);

        var stored = await Service.GetForEditAsync(id);
        Assert.Equal(("alice was here", 2), (stored!.Name, stored.Version));
        Assert.Equal("original", (await Service.ResolveAsync(id))!.ClientId);
    }

    [Fact]
    public async Task The_database_refuses_an_update_that_raced_past_the_version_check()
    {
        var id = await CreateAsync(CredentialInputs.ClientId("raced"));
        var input = (await Service.GetForEditAsync(id))!.ToInput();

        // Another writer bumps the version between this editor's read and its UPDATE.
        await using (var db = await database.CreateDbContextAsync())
        {
            var credential = await db.Credentials.SingleAsync(c => c.Id == id);
            db.Entry(credential).Property(c => c.Version).OriginalValue = input.Version;
            credential.Name = "other writer";
            credential.Version = input.Version + 1;
            await db.SaveChangesAsync();

            // Replaying the first editor's UPDATE with its stale version now matches no row.
            var stale = await db.Credentials.SingleAsync(c => c.Id == id);
            db.Entry(stale).Property(c => c.Version).OriginalValue = input.Version;
            stale.Name = "stale editor";
            await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => db.SaveChangesAsync());
        }

        Assert.Equal("other writer", (await Service.GetForEditAsync(id))!.Name);
    }

    [Fact]
    public async Task Updating_or_deleting_a_credential_that_is_gone_says_so()
    {
        var id = await CreateAsync(CredentialInputs.ClientId());
        var input = (await Service.GetForEditAsync(id))!.ToInput();
        Assert.True(await Service.DeleteAsync(id));

        Assert.Equal(SaveStatus.NotFound, (await Service.UpdateAsync(id, input)).Status);
        Assert.False(await Service.DeleteAsync(id));
        Assert.Null(await Service.GetForEditAsync(id));
        Assert.Null(await Service.ResolveAsync(id));
    }

    [Fact]
    public async Task Names_need_not_be_unique_but_a_taken_name_is_reported()
    {
        var id = await CreateAsync(CredentialInputs.ClientId("Shared Name"));

        Assert.True(await Service.IsNameTakenAsync(" shared name "));
        Assert.False(await Service.IsNameTakenAsync("Shared Name", exceptId: id));
        Assert.False(await Service.IsNameTakenAsync("Other"));
        Assert.Equal(SaveStatus.Saved, (await Service.CreateAsync(CredentialInputs.ClientId("Shared Name"))).Status);
        Assert.Equal(2, (await Service.ListAsync(new CredentialListQuery("Shared"))).TotalCount);
    }

    [Fact]
    public async Task Further_types_store_their_own_fields_and_keep_secrets_on_edit()
    {
        var basic = await CreateAsync(new CredentialInput
        {
            Name = "Legacy", Type = CredentialType.BasicAuth, FieldName = "ignored", Location = CredentialLocation.QueryParam,
            ClientId = "webhook_user", Secret = "secure_password_123",
        });
        var stored = await Service.ResolveAsync(basic);
        Assert.Equal(("Authorization", CredentialLocation.Header, "Basic d2ViaG9va191c2VyOnNlY3VyZV9wYXNzd29yZF8xMjM="),
            (stored!.FieldName, stored.Location, stored.WireValue));

        var bearer = await CreateAsync(new CredentialInput { Name = "Token", Type = CredentialType.BearerToken, FieldName = "Authorization", Secret = "tok_1234567890" });
        var edit = (await Service.GetForEditAsync(bearer))!;
        Assert.Equal(("7890", true), (edit.SecretHint, edit.HasSecret));
        var input = edit.ToInput();
        input.FieldName = "X-API-Key";
        Assert.Equal(SaveStatus.Saved, (await Service.UpdateAsync(bearer, input)).Status);
        Assert.Equal("tok_1234567890", (await Service.ResolveAsync(bearer))!.WireValue);

        var hmac = await CreateAsync(new CredentialInput
        {
            Name = "Signed", Type = CredentialType.HmacSignature, FieldName = "X-Signature", ClientId = "key", Secret = "plain-secret",
            Format = HmacFormat.TimestampSignatureKey,
        });
        input = (await Service.GetForEditAsync(hmac))!.ToInput();
        input.Format = HmacFormat.StandardWebhooks;
        var refused = await Service.UpdateAsync(hmac, input);
        Assert.Contains("whsec_", refused.Errors!["Secret"][0]);
        input.Secret = CredentialRules.NewStandardWebhooksSecret();
        Assert.Equal(SaveStatus.Saved, (await Service.UpdateAsync(hmac, input)).Status);
        Assert.Equal(HmacFormat.StandardWebhooks, (await Service.ResolveAsync(hmac))!.Format);
    }

    [Fact]
    public async Task Standard_webhooks_needs_no_key_id_but_switching_back_to_key_signatures_does()
    {
        var id = await CreateAsync(new CredentialInput
        {
            Name = "Standard", Type = CredentialType.HmacSignature, Format = HmacFormat.StandardWebhooks,
            Secret = CredentialRules.NewStandardWebhooksSecret(),
        });

        var input = (await Service.GetForEditAsync(id))!.ToInput();
        input.Format = HmacFormat.TimestampSignatureKey;
        input.FieldName = "X-Signature";
        var refused = await Service.UpdateAsync(id, input);
        Assert.Equal(["Key ID is required."], refused.Errors![nameof(CredentialInput.ClientId)]);

        input.ClientId = "key_2026";
        Assert.Equal(SaveStatus.Saved, (await Service.UpdateAsync(id, input)).Status);
        Assert.Equal(("key_2026", HmacFormat.TimestampSignatureKey), ((await Service.ResolveAsync(id))!.ClientId, (await Service.ResolveAsync(id))!.Format));
    }

    [Fact]
    public async Task Saved_values_are_trimmed_except_the_secret_material()
    {
        var id = await CreateAsync(CredentialInputs.ClientIdAndSecret(name: "  padded  ", fieldName: " clientid ", clientId: " id ", secret: " s "));

        var stored = await Service.ResolveAsync(id);
        Assert.Equal(("clientid", " id ", " s "), (stored!.FieldName, stored.ClientId, stored.Secret));
        Assert.Equal("padded", (await Service.GetForEditAsync(id))!.Name);
    }

    [Fact]
    public async Task Two_creates_with_the_same_key_racing_each_other_make_one_row_and_both_answer_its_id()
    {
        var gate = new SaveGate<Credential>();
        await using var raced = await PortalTestDatabase.CreateAsync(gate.Register);
        var input = CredentialInputs.ClientIdAndSecret("Double click");
        input.IdempotencyKey = Guid.NewGuid();

        // Both get past every check and are held just before their INSERT; then both go at once.
        var first = Task.Run(() => raced.Credentials.CreateAsync(input));
        var second = Task.Run(() => raced.Credentials.CreateAsync(input));
        await gate.WaitForHeldAsync(2);
        gate.Open();
        var results = await Task.WhenAll(first, second);

        Assert.All(results, r => Assert.Equal(SaveStatus.Saved, r.Status));
        Assert.Equal(results[0].Id, results[1].Id);
        await using var db = await raced.CreateDbContextAsync();
        Assert.Equal(1, await db.Credentials.CountAsync());

        // A repeat after the fact answers the same row without writing.
        Assert.Equal(results[0].Id, (await raced.Credentials.CreateAsync(input)).Id);
        Assert.Equal(2, gate.Held);
    }

    [Fact]
    public async Task Creates_without_a_key_or_with_different_keys_each_make_a_row()
    {
        var a = CredentialInputs.ClientId("Twin");
        var b = CredentialInputs.ClientId("Twin");
        a.IdempotencyKey = Guid.NewGuid();
        b.IdempotencyKey = Guid.NewGuid();

        var ids = new[]
        {
            await CreateAsync(a), await CreateAsync(b),
            await CreateAsync(CredentialInputs.ClientId("Twin")), await CreateAsync(CredentialInputs.ClientId("Twin")),
        };

        Assert.Equal(4, ids.Distinct().Count());
    }

    [Theory]
    [InlineData("\u200B\u200D\uFEFF")]
    [InlineData(" \u2060 \u180E ")]
    [InlineData("\u202E\u2066\u200F")]
    public async Task A_name_of_only_invisible_characters_is_refused_and_nothing_is_saved(string name)
    {
        var result = await Service.CreateAsync(CredentialInputs.ClientId(name));

        Assert.Equal(["Name is required."], result.Errors![nameof(CredentialInput.Name)]);
        Assert.Equal(0, (await Service.ListAsync(new CredentialListQuery())).TotalCount);
    }

    [Fact]
    public async Task A_header_name_http_owns_is_refused_on_edit_too()
    {
        var id = await CreateAsync(new CredentialInput { Name = "Bearer", Type = CredentialType.BearerToken, FieldName = "Authorization", Secret = "t0ken" });
        var input = (await Service.GetForEditAsync(id))!.ToInput();
        input.FieldName = "Proxy-Authorization";

        var result = await Service.UpdateAsync(id, input);

        Assert.Contains("Proxy-Authorization cannot be used", Assert.Single(result.Errors![nameof(CredentialInput.FieldName)]));
        Assert.Equal("Authorization", (await Service.ResolveAsync(id))!.FieldName);
    }
}
