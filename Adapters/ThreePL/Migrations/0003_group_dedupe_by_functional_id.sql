-- A functional group is the same group only if its type matches too: a partner may keep one GS06 counter per
-- group type, so its 945 group (SW) and a later 846 group (IB) can both be number 5. Every row already has its
-- functional_id, so the existing rows stay valid under the wider key.
ALTER TABLE interchange_groups DROP CONSTRAINT interchange_groups_pkey;
ALTER TABLE interchange_groups ADD PRIMARY KEY (partner_id, direction, functional_id, group_control);
