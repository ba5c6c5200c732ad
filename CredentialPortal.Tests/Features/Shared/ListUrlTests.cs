using CredentialPortal.Features.Shared;

namespace CredentialPortal.Tests.Features.Shared;

public sealed class ListUrlTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("https://evil.example/integrations/webhook-credentials")]
    [InlineData("//evil.example/integrations/webhook-credentials")]
    [InlineData("/\\evil.example")]
    [InlineData("integrations/webhook-credentialsX")]
    [InlineData("Account/Logout")]
    [InlineData("integrations/webhook-credentials?q=a\r\nb")]
    public void A_return_url_that_is_not_the_list_falls_back_to_the_list(string? returnUrl) =>
        Assert.Equal("integrations/webhook-credentials", ListUrl.Return(returnUrl, "integrations/webhook-credentials"));

    [Theory]
    [InlineData("integrations/webhook-credentials")]
    [InlineData("integrations/webhook-credentials?page=3&sort=name&dir=desc&q=acme")]
    public void The_list_with_its_state_is_a_valid_return_url(string returnUrl) =>
        Assert.Equal(returnUrl, ListUrl.Return(returnUrl, "integrations/webhook-credentials"));

    [Theory]
    [InlineData(null, 0)]
    [InlineData(-4, 0)]
    [InlineData(1, 0)]
    [InlineData(3, 2)]
    public void The_url_page_counts_from_one(int? page, int index) => Assert.Equal(index, ListUrl.PageIndex(page));

    [Theory]
    [InlineData(null, 25)]
    [InlineData(50, 50)]
    [InlineData(7, 25)]
    [InlineData(100000, 25)]
    public void Only_offered_page_sizes_are_taken(int? size, int expected) => Assert.Equal(expected, ListUrl.PageSize(size));
}
