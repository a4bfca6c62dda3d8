// Stored companies by web domain: people without a company are attached by their e-mail domain.
UNWIND $domains AS domain
MATCH (c:Company {domain: domain})
RETURN domain, min(c.id) AS id
