-- The Public API's scopes are GA Flight's twelve: signoffs and invoices have
-- their own. Keys that reached them through the broader scope keep that access.
UPDATE org_keys SET scopes = scopes || ' public.signoffs:read'
    WHERE (' ' || scopes || ' ') LIKE '% public.training:read %'
    AND (' ' || scopes || ' ') NOT LIKE '% public.signoffs:read %';
UPDATE org_keys SET scopes = scopes || ' public.invoices:read'
    WHERE (' ' || scopes || ' ') LIKE '% public.finance:read %'
    AND (' ' || scopes || ' ') NOT LIKE '% public.invoices:read %';
